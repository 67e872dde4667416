"""PyTorch models (random weights) that Rong's end-to-end tests and
benchmarks export to ONNX and compile.

Each entry of `models(scale)` is (module, example inputs). `scale="test"`
keeps shapes small enough for the test suite on a two-core machine;
`scale="bench"` uses the sizes the benchmarks report (BERT-base: hidden 768,
12 heads, FFN 3072, sequence 128; a LLaMA-style layer with hidden 1024;
ResNet-18 on 224x224).
"""

import os
import warnings

import torch
from torch import nn

OPSET = 18


class SmallCNN(nn.Module):
    """conv/batchnorm/relu, max pool, conv/batchnorm/relu, global average
    pool, linear."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BasicBlock(nn.Module):
    """torchvision's ResNet basic block."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    """torchvision's resnet18 layout (weights=None), written out so the tests
    need no torchvision."""

    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False),
                                  nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def conv_block(cin, cout):
    """Two 3x3 conv/batchnorm/relu layers."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
        nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
        nn.ReLU())


class UNet(nn.Module):
    """A two-level U-Net for segmentation: the decoder upsamples with
    transposed convolutions (kernel 4 stride 2 padding 1, then kernel 2
    stride 2) and concatenates the encoder's features."""

    def __init__(self, c=16, classes=2):
        super().__init__()
        self.enc1, self.enc2 = conv_block(3, c), conv_block(c, 2 * c)
        self.mid = conv_block(2 * c, 4 * c)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(4 * c, 2 * c, 4, 2, 1)
        self.dec2 = conv_block(4 * c, 2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 2, 2)
        self.dec1 = conv_block(2 * c, c)
        self.head = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        m = self.mid(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


class RMSNorm(nn.Module):
    """RMSNorm as LLaMA-style code spells it (exported as primitive ops)."""

    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaLayer(nn.Module):
    """A LLaMA-style decoder layer as its reference code spells it:
    pre-RMSNorm, rotary position embeddings (rotate_half), grouped-query
    causal attention (shared key/value heads repeated), and a SwiGLU MLP;
    no biases."""

    def __init__(self, hidden, heads, kv_heads, ffn, seq, theta=10000.0):
        super().__init__()
        self.heads, self.kv_heads = heads, kv_heads
        self.dim = hidden // heads
        self.q = nn.Linear(hidden, heads * self.dim, bias=False)
        self.k = nn.Linear(hidden, kv_heads * self.dim, bias=False)
        self.v = nn.Linear(hidden, kv_heads * self.dim, bias=False)
        self.o = nn.Linear(heads * self.dim, hidden, bias=False)
        self.gate = nn.Linear(hidden, ffn, bias=False)
        self.up = nn.Linear(hidden, ffn, bias=False)
        self.down = nn.Linear(ffn, hidden, bias=False)
        self.attn_norm, self.mlp_norm = RMSNorm(hidden), RMSNorm(hidden)
        inv = 1.0 / theta ** (torch.arange(0, self.dim, 2).float() / self.dim)
        angles = torch.outer(torch.arange(seq).float(), inv)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    def forward(self, x):
        b, s, _ = x.shape
        h = self.attn_norm(x)
        q = self.q(h).view(b, s, self.heads, self.dim).transpose(1, 2)
        k = self.k(h).view(b, s, self.kv_heads, self.dim).transpose(1, 2)
        v = self.v(h).view(b, s, self.kv_heads, self.dim).transpose(1, 2)
        cos, sin = self.cos[:s], self.sin[:s]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        repeat = self.heads // self.kv_heads
        k = k.repeat_interleave(repeat, dim=1)
        v = v.repeat_interleave(repeat, dim=1)
        a = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, s, -1))
        h = self.mlp_norm(x)
        return x + self.down(nn.functional.silu(self.gate(h)) * self.up(h))


class TanhGELU(nn.Module):
    """GELU with the tanh approximation as GPT-2's code spells it (exported
    as primitive ops, which Rong recognises as one GELU)."""

    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(
            0.7978845608028654 * (x + 0.044715 * torch.pow(x, 3.0))))


class Softmax(nn.Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return torch.softmax(x, dim=self.dim)


class ColumnSum(nn.Module):
    """A bias gradient's reduction: the sum over the batch (axis 0)."""

    def forward(self, x):
        return x.sum(dim=0)


def randomize(module):
    """Draws every parameter and batchnorm statistic from the seeded
    generator (variances kept positive), so no exporter can fold them."""
    with torch.no_grad():
        for param in module.parameters():
            param.copy_(torch.randn_like(param) * 0.1)
        for name, buf in module.named_buffers():
            if name.endswith("running_var"):
                buf.copy_(torch.rand_like(buf) + 0.5)
            elif name.endswith("running_mean"):
                buf.copy_(torch.randn_like(buf) * 0.1)
    return module.eval()


def models(scale="test"):
    big = scale == "bench"
    hidden, heads, ffn, seq = (768, 12, 3072, 128) if big else (64, 4, 128, 16)
    rows, width = (4096, 1024) if big else (64, 256)
    image = 224 if big else 64
    return {
        "mlp": (nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 64)),
                (torch.randn(32, 256),)),
        "bert_layer": (nn.TransformerEncoderLayer(
            d_model=hidden, nhead=heads, dim_feedforward=ffn, batch_first=True,
            activation="gelu"), (torch.randn(1, seq, hidden),)),
        # LLaMA-7B's head size and FFN ratio at bench scale (hidden 1024,
        # 8 query heads sharing 2 key/value heads).
        "llama_layer": (LlamaLayer(*((1024, 8, 2, 2816, 128) if big
                                     else (64, 4, 2, 172, 16))),
                        (torch.randn(1, 128 if big else 16,
                                     1024 if big else 64),)),
        # float64 end to end: BLAS's dgemm, the row kernels' f64 reductions,
        # f64 tanh and exp.
        "mlp_f64": (nn.Sequential(
            nn.Linear(256, 512), nn.LayerNorm(512), TanhGELU(),
            nn.Linear(512, 64), Softmax()).double(),
            (torch.randn(32, 256, dtype=torch.float64),)),
        "cnn": (SmallCNN(), (torch.randn(1, 3, 16, 16),)),
        "resnet18": (ResNet18(), (torch.randn(1, 3, image, image),)),
        "unet": (UNet(32 if big else 8),
                 (torch.randn(1, 3, *((256, 256) if big else (32, 32))),)),
        # One 2x upsampling layer (DCGAN's kernel 4, stride 2, padding 1).
        "deconv": (nn.ConvTranspose2d(64, 32, 4, 2, 1),
                   (torch.randn(1, 64, *((112, 112) if big else (8, 8))),)),
        "layernorm": (nn.LayerNorm(width), (torch.randn(rows, width),)),
        "softmax": (Softmax(), (torch.randn(rows, width),)),
        "gelu": (TanhGELU(), (torch.randn(rows, width),)),
        "rmsnorm": (RMSNorm(width), (torch.randn(rows, width),)),
        # Rows too long for one subgroup: GPU targets reduce each with a
        # work-group, through shared memory and a barrier.
        "layernorm_wide": (nn.LayerNorm(4096), (torch.randn(8, 4096),)),
        "softmax_wide": (Softmax(), (torch.randn(8, 4096),)),
        # Reductions over leading axes, read in place as columns.
        "softmax_channels": (Softmax(dim=1), (torch.randn(
            *((16, 256, 1024) if big else (2, 16, 64))),)),
        "bias_grad": (ColumnSum(), (torch.randn(rows, width),)),
    }


def export(name, out_dir, scale="test"):
    """Exports model `name` to OUT_DIR/name.onnx (seeded weights) and returns
    (path, example inputs as NumPy arrays)."""
    torch.manual_seed(0)
    module, example = models(scale)[name]
    randomize(module)
    path = os.path.join(out_dir, name + ".onnx")
    warnings.filterwarnings("ignore")
    with torch.no_grad():
        torch.onnx.export(module, example, path, dynamo=True,
                          opset_version=OPSET, verbose=False)
    return path, [t.numpy() for t in example]

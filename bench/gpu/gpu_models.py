"""The PyTorch models Rong's whole-model GPU checks compile and run: built
the same way where Rong compiles them (make_models.py) and on the GPU machine
(run_models.py), which needs no ONNX file to rebuild them.

Weights are drawn from a generator seeded right before they are drawn, so
they depend only on the parameters' order and shapes, not on how many random
numbers a PyTorch version's constructors consume. `fingerprint` summarises
them so both machines can check they built the same model.
"""

import sys
import os

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "test", "python"))
import model_zoo  # noqa: E402

ROWS, WIDTH = 16384, 1024


class SelfAttention(nn.Module):
    """BERT-base self-attention alone (the encoder layer's first half)."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(768, 12, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class AttentionBlock(nn.Module):
    """The encoder layer's first half with its residual and LayerNorm:
    LayerNorm(x + SelfAttention(x)), to tell an error of the attention from
    one of the residual and normalisation after it."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(768, 12, batch_first=True)
        self.norm = nn.LayerNorm(768)

    def forward(self, x):
        return self.norm(x + self.attn(x, x, x, need_weights=False)[0])


class FeedForwardBlock(nn.Module):
    """The encoder layer's second half: LayerNorm(x + FFN(x))."""

    def __init__(self):
        super().__init__()
        self.ffn = nn.Sequential(nn.Linear(768, 3072), nn.GELU(),
                                 nn.Linear(3072, 768))
        self.norm = nn.LayerNorm(768)

    def forward(self, x):
        return self.norm(x + self.ffn(x))


class MeanAll(nn.Module):
    """The mean of a whole tensor (a loss): one row, which
    rong-split-reductions cuts into pieces so that every SM reads some."""

    def forward(self, x):
        return x.mean()


class ColumnSum(nn.Module):
    """A bias gradient's sum over the rows: few columns, also split."""

    def forward(self, x):
        return x.sum(0)


# The models make_models.py compiles by default (about 43 MB of artifacts
# in float32 and bfloat16, which leaves room under the 64 MiB a GPU call
# carries), and the encoder's parts, compiled on request (`--models parts`)
# to find where an error of the whole layer comes from.
MAIN = ["bert_layer", "mlp", "layernorm", "softmax", "gelu", "rmsnorm",
        "mean_all", "column_sum"]
PARTS = ["attention", "attention_block", "ffn", "ffn_block", "layernorm768",
         "softmax512"]


def specs():
    """name -> (constructor, input shape)."""
    return {
        # BERT-base encoder layer, batch 8 x sequence 512 (4096 tokens).
        "bert_layer": (lambda: nn.TransformerEncoderLayer(
            d_model=768, nhead=12, dim_feedforward=3072, batch_first=True,
            activation="gelu"), (8, 512, 768)),
        # Its parts, to tell where a difference comes from.
        "attention": (SelfAttention, (8, 512, 768)),
        "ffn": (lambda: nn.Sequential(nn.Linear(768, 3072), nn.GELU(),
                                      nn.Linear(3072, 768)), (8, 512, 768)),
        "attention_block": (AttentionBlock, (8, 512, 768)),
        "ffn_block": (FeedForwardBlock, (8, 512, 768)),
        "layernorm768": (lambda: nn.LayerNorm(768), (4096, 768)),
        "softmax512": (model_zoo.Softmax, (8 * 12 * 512, 512)),
        # A LLaMA-style decoder layer (rotary embeddings, 8 query heads of
        # 64 sharing 2 key/value heads, SwiGLU), batch 8 x sequence 512;
        # 11 MiB of float32 weights. Compiled on request (--models
        # llama_layer).
        "llama_layer": (lambda: model_zoo.LlamaLayer(512, 8, 2, 1408, 512),
                        (8, 512, 512)),
        "mlp": (lambda: nn.Sequential(nn.Linear(256, 512), nn.ReLU(),
                                      nn.Linear(512, 64)), (4096, 256)),
        "layernorm": (lambda: nn.LayerNorm(WIDTH), (ROWS, WIDTH)),
        "softmax": (model_zoo.Softmax, (ROWS, WIDTH)),
        "gelu": (model_zoo.TanhGELU, (ROWS, WIDTH)),
        "rmsnorm": (lambda: model_zoo.RMSNorm(WIDTH), (ROWS, WIDTH)),
        # 256 MiB in float32; 16384 x 768, BERT-base's bias gradients.
        "mean_all": (MeanAll, (ROWS, 4096)),
        "column_sum": (ColumnSum, (ROWS, 768)),
    }


def build(name, dtype):
    """The model `name` in `dtype` (eval mode, seeded weights)."""
    make, _ = specs()[name]
    torch.manual_seed(0)
    module = make()
    torch.manual_seed(0)
    model_zoo.randomize(module)
    return module.to(dtype).eval()


def make_input(name, dtype):
    """The input of model `name`: float32 normal draws (seed 1, CPU
    generator), cast to `dtype`."""
    _, shape = specs()[name]
    generator = torch.Generator().manual_seed(1)
    return torch.randn(*shape, generator=generator).to(dtype)


def fingerprint(module):
    """Sum and sum of squares over every parameter, in float64."""
    total = squares = 0.0
    for param in module.parameters():
        p = param.detach().double()
        total += float(p.sum())
        squares += float((p * p).sum())
    return [total, squares]

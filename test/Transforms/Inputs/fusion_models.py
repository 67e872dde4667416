"""Writes the models the fusion kernel-count tests compile.

    python fusion_models.py OUT_DIR

- encoder.onnx: torch.nn.TransformerEncoderLayer (d_model 256, 4 heads, FFN
  1024, post-norm, eval) exported by torch.onnx.export (the torch.export-based
  exporter, the default in torch 2.13);
- resnet_block.onnx: a torchvision-style ResNet basic block (conv-bn-relu,
  conv-bn, identity add, relu) exported the same way;
- llama_layer.onnx: the LLaMA-style decoder layer of test/python/model_zoo.py
  (RMSNorm, rotary embeddings, grouped-query causal attention, SwiGLU) at
  hidden 256, 8 query heads sharing 2 key/value heads, sequence 64;
- the ONNX `*_expanded` node tests for LayerNormalization, Softmax,
  LogSoftmax, RMSNormalization and Gelu, written from onnx's own test cases;
- test_reduce_sum_axis0.onnx: ReduceSum over axis 0 of a 64x33 input (a bias
  gradient's sum over the batch), without keepdims.

Weights are random with a fixed seed; nothing here is checked in as a blob.
"""

import os
import sys
import warnings


def export_torch(out_dir):
    import torch

    torch.manual_seed(0)

    class BasicBlock(torch.nn.Module):
        def __init__(self, channels=64):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn1 = torch.nn.BatchNorm2d(channels)
            self.conv2 = torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn2 = torch.nn.BatchNorm2d(channels)

        def forward(self, x):
            y = torch.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return torch.relu(y + x)

    def randomise_bn(module):
        for m in module.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)

    encoder = torch.nn.TransformerEncoderLayer(
        d_model=256, nhead=4, dim_feedforward=1024, dropout=0.0,
        batch_first=True).eval()
    block = BasicBlock().eval()
    randomise_bn(block)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "python"))
    import model_zoo

    models = {
        "encoder": (encoder, (torch.randn(2, 64, 256),)),
        "resnet_block": (block, (torch.randn(1, 64, 56, 56),)),
        "llama_layer": (model_zoo.LlamaLayer(256, 8, 2, 688, 64).eval(),
                        (torch.randn(2, 64, 256),)),
    }
    for name, (model, inputs) in models.items():
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, inputs, os.path.join(out_dir, name + ".onnx"),
                              dynamo=True, external_data=False, verbose=False)


NODE_TESTS = [
    "test_layer_normalization_4d_axis_negative_1_expanded",
    "test_layer_normalization_2d_axis1_expanded",
    "test_softmax_axis_0_expanded",
    "test_softmax_axis_1_expanded",
    "test_logsoftmax_axis_1_expanded",
    "test_rms_normalization_4d_axis_negative_1_expanded",
    "test_rms_normalization_default_axis_expanded",
    "test_gelu_default_2_expanded",
    "test_gelu_tanh_2_expanded",
]


def write_node_tests(out_dir):
    import onnx
    from onnx.backend.test.loader import load_model_tests

    wanted = set(NODE_TESTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in load_model_tests(kind="node"):
            if case.name not in wanted:
                continue
            model = case.model or onnx.load(os.path.join(case.model_dir, "model.onnx"))
            onnx.save(model, os.path.join(out_dir, case.name + ".onnx"))
            wanted.discard(case.name)
    if wanted:
        sys.exit("missing ONNX node tests: " + ", ".join(sorted(wanted)))


def write_reductions(out_dir):
    import onnx
    from onnx import TensorProto, helper

    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [0])
    graph = helper.make_graph(
        [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        "reduce_sum_axis0",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 33])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [33])],
        initializer=[axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    onnx.save(model, os.path.join(out_dir, "test_reduce_sum_axis0.onnx"))


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    write_node_tests(out_dir)
    write_reductions(out_dir)
    export_torch(out_dir)


if __name__ == "__main__":
    main()

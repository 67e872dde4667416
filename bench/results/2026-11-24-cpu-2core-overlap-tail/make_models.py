"""The models of this comparison: ONNX Softmax and LayerNormalization over
rows of 100, 128, 196 and 197 f32 columns (opset 17), with a standard normal
input each (seed 0). Writes NAME.onnx and NAME.npy to the current directory.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(name, nodes, shape, inits=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
        list(inits))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.save(model, f"{name}.onnx")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    np.save(f"{name}.npy", x)


def softmax(name, shape):
    save(name, [helper.make_node("Softmax", ["x"], ["y"], axis=-1)], shape)


softmax("sm197", [8192, 197])
softmax("sm196", [8192, 196])
softmax("sm100", [16384, 100])
softmax("sm128", [16384, 128])
n = 100
save("ln100",
     [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1,
                       epsilon=1e-5)], [16384, n],
     [numpy_helper.from_array(np.ones(n, np.float32), "g"),
      numpy_helper.from_array(np.zeros(n, np.float32), "b")])

import numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
def save(name, nodes, shape, inits=()):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 9
    onnx.save(m, f"{name}.onnx")
    np.save(f"{name}.npy", np.random.default_rng(0).standard_normal(shape).astype(np.float32))
save("sm100", [helper.make_node("Softmax", ["x"], ["y"], axis=-1)], [16384, 100])
save("sm196", [helper.make_node("Softmax", ["x"], ["y"], axis=-1)], [8192, 196])
n=100
save("ln100", [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1, epsilon=1e-5)], [16384, n],
     [numpy_helper.from_array(np.ones(n, np.float32), "g"), numpy_helper.from_array(np.zeros(n, np.float32), "b")])

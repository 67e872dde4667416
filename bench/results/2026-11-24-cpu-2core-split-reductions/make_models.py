"""Models of the split-reduction A/B: whole-tensor sums and means, an MSE
loss, and a sum over 4 long rows, f32, with N(0,1) inputs (seed 0)."""
import numpy as np
import onnx
from onnx import TensorProto, helper


def save(name, nodes, inputs, out_shape):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
         for n, s in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    onnx.save(model, f"{name}.onnx")
    rng = np.random.default_rng(0)
    for i, (n, s) in enumerate(inputs):
        np.save(f"{name}.{n}.npy", rng.standard_normal(s).astype(np.float32))


for rows in (64, 256, 4096):
    save(f"sum{rows}x1024",
         [helper.make_node("ReduceSum", ["x"], ["y"], keepdims=0)],
         [("x", [rows, 1024])], [])
save("mean4096x4096",
     [helper.make_node("ReduceMean", ["x"], ["y"], keepdims=0)],
     [("x", [4096, 4096])], [])
save("mse4096x4096",
     [helper.make_node("Sub", ["x", "t"], ["d"]),
      helper.make_node("Mul", ["d", "d"], ["d2"]),
      helper.make_node("ReduceMean", ["d2"], ["y"], keepdims=0)],
     [("x", [4096, 4096]), ("t", [4096, 4096])], [])

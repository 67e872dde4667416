"""The ONNX Attention op (opsets 23 to 25) through rongc + rong-run against
onnxruntime: 4-D and 3-D inputs, grouped-query heads, a KV cache with its
present outputs, float and boolean masks (shorter than the keys: padded),
softcap, an explicit scale, the scores output in its modes, an external
cache's nonpad_kv_seqlen with a causal frontier per batch, a sliding
window, and float16. The ONNX node tests (test_onnx_conformance.py) check
the same op against ONNX's reference data; these cases use larger shapes
and compare on the CPU and on OpenCL. Refused nodes are tested in
test/Frontend/Onnx/attention.test.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

F32, F16, BOOL, I64 = (TensorProto.FLOAT, TensorProto.FLOAT16,
                       TensorProto.BOOL, TensorProto.INT64)


def case(inputs, outputs, opset=23, reference="onnxruntime", **attrs):
    """inputs: (name, type, shape) in Attention's input order, "" for an
    omitted one; outputs: names of Attention's outputs, "" for omitted.
    `reference="onnx"` compares with ONNX's reference implementation where
    onnxruntime 1.30 refuses the node (a mask shorter than the keys, the
    sliding-window attributes of opset 25)."""
    names = [n for n, _, _ in inputs]
    return dict(inputs=[i for i in inputs if i[0]], names=names,
                outputs=outputs, opset=opset, attrs=attrs,
                reference=reference)


def qkv(q, k, v, dtype=F32):
    return [("q", dtype, q), ("k", dtype, k), ("v", dtype, v)]


CASES = {
    "4d_gqa_causal": case(qkv([2, 8, 6, 16], [2, 2, 6, 16], [2, 2, 6, 16]),
                          ["y"], is_causal=1),
    "3d_cache": case(qkv([2, 3, 64], [2, 3, 32], [2, 3, 48])
                     + [("", 0, 0), ("pk", F32, [2, 4, 5, 8]),
                        ("pv", F32, [2, 4, 5, 12])],
                     ["y", "present_k", "present_v"], q_num_heads=8,
                     kv_num_heads=4, is_causal=1),
    "float_mask_softcap": case(qkv([1, 4, 5, 8], [1, 4, 7, 8], [1, 4, 7, 8])
                               + [("mask", F32, [5, 7])], ["y"],
                               softcap=2.0, scale=0.3),
    "bool_mask_padded": case(qkv([2, 2, 4, 8], [2, 2, 6, 8], [2, 2, 6, 8])
                             + [("mask", BOOL, [2, 1, 4, 4])], ["y"],
                             reference="onnx"),
    "scores_after_softmax": case(
        qkv([1, 2, 4, 8], [1, 2, 4, 8], [1, 2, 4, 8])
        + [("mask", F32, [4, 6]), ("pk", F32, [1, 2, 2, 8]),
           ("pv", F32, [1, 2, 2, 8])],
        ["y", "present_k", "present_v", "scores"],
        qk_matmul_output_mode=3),
    "scores_with_bias": case(
        qkv([1, 2, 4, 8], [1, 2, 4, 8], [1, 2, 4, 8])
        + [("mask", F32, [1, 2, 4, 4])], ["y", "", "", "scores"],
        qk_matmul_output_mode=2),
    "nonpad_decode": case(qkv([3, 4, 1, 8], [3, 2, 8, 8], [3, 2, 8, 8])
                          + [("", 0, 0), ("", 0, 0), ("", 0, 0),
                             ("nonpad", I64, [3])], ["y"], opset=24,
                          is_causal=1),
    "window": case(qkv([1, 2, 8, 8], [1, 2, 8, 8], [1, 2, 8, 8]), ["y"],
                   opset=25, reference="onnx", is_causal=1,
                   left_window_size=3),
    "f16_gqa": case(qkv([1, 4, 6, 16], [1, 2, 6, 16], [1, 2, 6, 16], F16),
                    ["y"], is_causal=1),
}

TARGETS = [("cpu", "cpu"), ("opencl", "opencl")]
PARAMS = [pytest.param(name, target, device, id=f"{name}-{target}")
          for name in sorted(CASES) for target, device in TARGETS
          if not (name.startswith("f16") and target == "opencl")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx_attention")


def output_shapes(c):
    """The shapes of Attention's outputs for case `c`."""
    shapes = {n: s for n, _, s in c["inputs"]}
    q, k, v = shapes["q"], shapes["k"], shapes["v"]
    if len(q) == 3:
        heads, kv_heads = c["attrs"]["q_num_heads"], c["attrs"]["kv_num_heads"]
        q = [q[0], heads, q[1], q[2] // heads]
        k = [k[0], kv_heads, k[1], k[2] // kv_heads]
        v = [v[0], kv_heads, v[1], v[2] // kv_heads]
    past = shapes["pk"][2] if "pk" in shapes else 0
    y = [q[0], q[1], q[2], v[3]]
    if len(shapes["q"]) == 3:
        y = [q[0], q[2], q[1] * v[3]]
    return {"y": y, "present_k": [k[0], k[1], past + k[2], k[3]],
            "present_v": [v[0], v[1], past + v[2], v[3]],
            "scores": [q[0], q[1], q[2], past + k[2]]}


def write_case(name, workdir):
    c = CASES[name]
    out_shapes = output_shapes(c)
    dtype = c["inputs"][0][1]
    path = str(workdir / f"{name}.onnx")
    rong_tools.save_onnx_model(
        path, [helper.make_node("Attention", c["names"], c["outputs"],
                                **c["attrs"])],
        c["inputs"],
        [(o, dtype, out_shapes[o]) for o in c["outputs"] if o],
        opset=c["opset"])
    rng = np.random.default_rng(5)
    feeds = []
    for n, t, shape in c["inputs"]:
        if t == BOOL:
            m = rng.random(shape) < 0.7
            m[..., 0] = True  # every row keeps a key
            feeds.append(m)
        elif t == I64:
            feeds.append(np.array([8, 5, 3], np.int64)[:shape[0]])
        else:
            x = rng.standard_normal(shape)
            feeds.append(x.astype(np.float16 if t == F16 else np.float32))
    return path, feeds


@pytest.mark.parametrize("name,target,device", PARAMS)
def test_attention_matches_onnxruntime(name, target, device, workdir):
    path, feeds = write_case(name, workdir)
    if CASES[name]["reference"] == "onnx":
        from onnx.reference import ReferenceEvaluator
        evaluator = ReferenceEvaluator(path)
        want = evaluator.run(None, dict(zip(
            [i.name for i in evaluator.proto_.graph.input], feeds)))
    else:
        want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(workdir / f"{name}_{target}.rong")
    rong_tools.compile_model(path, artifact, target=target)
    got = rong_tools.run_artifact(artifact, feeds, len(want), device=device)
    rong_tools.assert_close(got, want, f"{name} ({target})")

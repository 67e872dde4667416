import onnxruntime as ort, numpy as np, time, sys
for m in ["sm100", "sm196", "ln100"]:
    o = ort.SessionOptions(); o.intra_op_num_threads = 2
    s = ort.InferenceSession(f"{m}.onnx", o, providers=["CPUExecutionProvider"])
    x = np.load(f"{m}.npy")
    for _ in range(20): s.run(None, {"x": x})
    ts = []
    for _ in range(200):
        a = time.perf_counter(); s.run(None, {"x": x}); ts.append(time.perf_counter() - a)
    print(m, "onnxruntime 2 threads median %.4f ms" % (np.median(ts) * 1e3))

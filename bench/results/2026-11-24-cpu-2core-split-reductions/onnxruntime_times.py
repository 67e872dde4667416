"""onnxruntime 1.30 on the models of make_models.py: 2 intra-op threads,
the median of 200 InferenceSession.run calls from Python after 20 warm-up
calls. Inputs are NAME.INPUT.npy. Usage: python3 onnxruntime_times.py NAME..."""
import sys
import time

import numpy as np
import onnxruntime as ort

for name in sys.argv[1:]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(f"{name}.onnx", options,
                                   providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(f"{name}.{i.name}.npy")
             for i in session.get_inputs()}
    for _ in range(20):
        session.run(None, feeds)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append(time.perf_counter() - start)
    print(name, "onnxruntime 2 threads median %.4f ms"
          % (np.median(times) * 1e3))

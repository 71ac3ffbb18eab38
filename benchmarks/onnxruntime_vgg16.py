"""VGG16 (torchvision topology, 224x224, batch 1) in ONNX Runtime with random weights, built with onnx.helper.
Prints JSON {"median_ms", "p90_ms", "runs", "threads", "onnxruntime"} for benchmarks/onnxruntime_vgg16.sh."""
import json, sys, time
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rng = np.random.default_rng(0)
channels = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
nodes, inits = [], []
x, cin, n = "input", 3, 0
for c in channels:
    if c == "M":
        nodes.append(helper.make_node("MaxPool", [x], [f"p{n}"], kernel_shape=[2, 2], strides=[2, 2])); x = f"p{n}"; n += 1
        continue
    w = (rng.standard_normal((c, cin, 3, 3)) * np.sqrt(2.0 / (cin * 9))).astype(np.float32)
    b = np.zeros(c, np.float32)
    inits += [numpy_helper.from_array(w, f"w{n}"), numpy_helper.from_array(b, f"b{n}")]
    nodes.append(helper.make_node("Conv", [x, f"w{n}", f"b{n}"], [f"c{n}"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Relu", [f"c{n}"], [f"r{n}"])); x = f"r{n}"; cin = c; n += 1
nodes.append(helper.make_node("Flatten", [x], ["flat"], axis=1)); x = "flat"
for i, (fin, fout) in enumerate([(25088, 4096), (4096, 4096), (4096, 1000)]):
    w = (rng.standard_normal((fout, fin)) * np.sqrt(2.0 / fin)).astype(np.float32)
    inits += [numpy_helper.from_array(w, f"fw{i}"), numpy_helper.from_array(np.zeros(fout, np.float32), f"fb{i}")]
    nodes.append(helper.make_node("Gemm", [x, f"fw{i}", f"fb{i}"], [f"f{i}"], transB=1)); x = f"f{i}"
    if i < 2:
        nodes.append(helper.make_node("Relu", [x], [f"fr{i}"])); x = f"fr{i}"
graph = helper.make_graph(nodes, "vgg16", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 1000])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
inp = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
session.run(None, {"input": inp})
times = []
for _ in range(runs):
    t = time.perf_counter(); session.run(None, {"input": inp}); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"median_ms": float(np.median(times)), "p90_ms": float(np.percentile(times, 90)), "runs": runs,
                  "threads": threads, "onnxruntime": ort.__version__}))

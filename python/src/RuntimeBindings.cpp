//===- RuntimeBindings.cpp - rong._rong's Session -------------------------===//
//
// This file implements Session, an artifact loaded on a device with
// run(inputs) -> outputs, run_into(inputs, outputs) and benchmark, and
// TensorSpec, the description of a graph input or output.
//
// Tensors come in through DLPack (or the buffer protocol) without a copy and
// are checked against the artifact (count, element type, shape, C order,
// device) before anything runs; mistakes raise ValueError naming the input or
// output. run() allocates its outputs as NumPy arrays and lets the kernels
// write into them. The GIL is released while the plan runs.
//
// CUDA and HIP sessions take device memory (PyTorch tensors on the GPU) in
// run_into, on the caller's stream or the session's own: the stream goes to
// each tensor's `__dlpack__`, so the producer's pending writes come first,
// and the plan is enqueued there. With a caller's stream run_into returns
// once the work is enqueued, as a PyTorch op does; on the session's own
// stream it waits for the work to finish.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"
#include "DLPackTensors.h"

#include "rong/Runtime/Artifact.h"
#include "rong/Runtime/Session.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <optional>
#include <tuple>
#include <utility>

namespace py = pybind11;
namespace rt = rong::runtime;
using namespace rong::python;

namespace {

/// The alignment of the arrays the bindings allocate (run's outputs,
/// staging copies): that of the runtime's own buffers, which meets every
/// artifact's io alignment.
constexpr uintptr_t kBufferAlignment = rt::kDataAlignment;

DLDataType dlpackType(rt::DType type) {
  switch (type) {
  case rt::DType::F32:
    return {kDLFloat, 32, 1};
  case rt::DType::F16:
    return {kDLFloat, 16, 1};
  case rt::DType::BF16:
    return {kDLBfloat, 16, 1};
  case rt::DType::F64:
    return {kDLFloat, 64, 1};
  case rt::DType::I64:
    return {kDLInt, 64, 1};
  case rt::DType::I32:
    return {kDLInt, 32, 1};
  case rt::DType::I16:
    return {kDLInt, 16, 1};
  case rt::DType::I8:
    return {kDLInt, 8, 1};
  case rt::DType::U8:
    return {kDLUInt, 8, 1};
  case rt::DType::Bool:
    return {kDLBoolCode, 8, 1};
  case rt::DType::U16:
    return {kDLUInt, 16, 1};
  case rt::DType::U32:
    return {kDLUInt, 32, 1};
  case rt::DType::U64:
    return {kDLUInt, 64, 1};
  }
  return {kDLOpaqueHandle, 0, 0};
}

bool sameType(DLDataType a, DLDataType b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}

/// The NumPy dtype of `type`; bfloat16 comes from ml_dtypes.
py::object numpyDtype(const py::module_ &numpy, rt::DType type) {
  if (type != rt::DType::BF16)
    return numpy.attr("dtype")(dtypeName(dlpackType(type)));
  try {
    return numpy.attr("dtype")(
        py::module_::import("ml_dtypes").attr("bfloat16"));
  } catch (py::error_already_set &) {
    throw py::type_error("a bfloat16 output needs the ml_dtypes package for "
                         "its NumPy type; or pass outputs to run_into "
                         "(e.g. torch tensors)");
  }
}

/// A new NumPy array of `dtype` and `shape` whose data (`bytes` long, its
/// address returned in `data`) starts at an aligned address.
/// NumPy's own allocations are only 16-byte aligned, so the array is a view
/// into a slightly larger byte array. Only NumPy's Python API is used:
/// pybind11's C-level NumPy support predates NumPy 2's descriptor layout.
py::object alignedArray(const py::module_ &numpy, rt::DType dtype,
                        const std::vector<int64_t> &shape, uint64_t bytes,
                        void *&data) {
  py::object raw = numpy.attr("empty")(bytes + kBufferAlignment, "uint8");
  Py_buffer view;
  if (PyObject_GetBuffer(raw.ptr(), &view, PyBUF_SIMPLE) != 0)
    throw py::error_already_set();
  auto address = reinterpret_cast<uintptr_t>(view.buf);
  PyBuffer_Release(&view);
  size_t offset = (kBufferAlignment - address % kBufferAlignment) %
                  kBufferAlignment;
  data = reinterpret_cast<void *>(address + offset);
  py::tuple dims(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    dims[i] = shape[i];
  py::object slice = raw[py::slice(offset, offset + bytes, 1)];
  return slice.attr("view")(numpyDtype(numpy, dtype)).attr("reshape")(dims);
}

/// CUDA's CU_STREAM_LEGACY: the legacy default stream named explicitly, so
/// that it cannot be mistaken for "no stream" (the session's own).
constexpr intptr_t kCudaLegacyStream = 1;

bool isGpu(rt::DeviceKind kind) {
  return kind == rt::DeviceKind::Cuda || kind == rt::DeviceKind::Hip;
}

/// Parses a device name: "cpu", "opencl", "cuda", "cuda:N", "hip", "hip:N".
std::pair<rt::DeviceKind, int> parseDevice(const std::string &name) {
  std::string kindName = name.substr(0, name.find(':'));
  std::optional<rt::DeviceKind> kind = rt::parseDeviceKind(kindName);
  int ordinal = 0;
  bool valid = kind.has_value();
  if (valid && kindName.size() < name.size()) {
    std::string digits = name.substr(kindName.size() + 1);
    valid = isGpu(*kind) && !digits.empty() && digits.size() < 6 &&
            std::all_of(digits.begin(), digits.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
    if (valid)
      ordinal = std::stoi(digits);
  }
  if (!valid)
    throw py::value_error("device '" + name +
                          "' is not one of: cpu, opencl, cuda, cuda:N, hip, "
                          "hip:N");
  return {*kind, ordinal};
}

/// A graph input or output as Python sees it.
struct TensorSpec {
  std::string name;
  rt::DType dtype;
  std::vector<int64_t> shape;

  std::string dtypeString() const { return dtypeName(dlpackType(dtype)); }
};

/// An aligned host buffer (a NumPy array) holding the copy of an input.
struct StagingBuffer {
  py::object array;
  void *data = nullptr;
  size_t bytes = 0;
};

/// Where a GPU run goes: the stream handed to runWith (null: the session's
/// own), the same stream in DLPack's numbering for the tensors' producers,
/// and whether run_into waits for the work.
struct RunStream {
  void *handle = nullptr;
  std::optional<intptr_t> dlpack;
  bool wait = true;
};

/// The tensors of one call, borrowed until it returns, and the aligned
/// copies of inputs whose memory the kernels cannot read in place.
struct Bindings {
  std::vector<BorrowedTensor> borrowed;
  /// Aligned copies of misaligned inputs, by input index.
  std::vector<std::pair<size_t, StagingBuffer>> staging;
  std::vector<const void *> inputs;
  std::vector<void *> outputs;
  RunStream stream;
};

class PySession {
public:
  PySession(const py::object &artifact,
            const std::optional<std::string> &device, unsigned numThreads);

  const std::vector<TensorSpec> &inputs() const { return inputSpecs; }
  const std::vector<TensorSpec> &outputs() const { return outputSpecs; }
  const std::string &target() const { return art->target(); }
  const char *device() const { return rt::deviceName(session->device()); }
  int deviceIndex() const { return ordinal; }
  py::object stream() const {
    void *own = session->nativeStream();
    if (!own)
      return py::none();
    return py::int_(reinterpret_cast<uintptr_t>(own));
  }
  uint64_t arenaBytes() const { return art->arenaBytes(); }

  py::list run(const py::object &inputs);
  void runInto(const py::object &inputs, const py::object &outputs,
               const py::object &stream);
  py::dict benchmark(const py::object &inputs, unsigned warmup,
                     unsigned iterations);

private:
  bool onGpu() const { return isGpu(session->device()); }
  /// The stream a run_into goes to, from its `stream` argument.
  RunStream resolveStream(const py::object &stream) const;
  /// Refuses `method` on a GPU session, which needs caller-owned device
  /// memory.
  void requireHostSession(const char *method) const;
  /// Borrows and checks `tensors` against `specs` ("input" / "output").
  void bind(const py::object &tensors, const std::vector<TensorSpec> &specs,
            bool isOutput, Bindings &bindings) const;
  /// Runs on bound memory without the GIL.
  void execute(const Bindings &bindings);
  /// Returns a finished call's staging buffers to the cache.
  void recycle(Bindings &bindings) const;

  std::shared_ptr<const rt::Artifact> art;
  std::unique_ptr<rt::Session> session;
  std::vector<TensorSpec> inputSpecs, outputSpecs;
  int ordinal = 0;
  /// Per input, the staging buffer of an earlier call, kept for the next.
  mutable std::vector<StagingBuffer> stagingCache;
};

rt::Artifact loadArtifact(const py::object &artifact) {
  bool isPath = py::isinstance<py::str>(artifact) ||
                (!py::isinstance<py::bytes>(artifact) &&
                 py::hasattr(artifact, "__fspath__"));
  rt::Expected<rt::Artifact> loaded = [&]() -> rt::Expected<rt::Artifact> {
    if (isPath) {
      std::string path =
          py::str(py::module_::import("os").attr("fspath")(artifact));
      return rt::Artifact::load(path);
    }
    if (!PyObject_CheckBuffer(artifact.ptr()))
      throw py::type_error("Session takes an artifact's bytes or the path of "
                           "a .rong file, got " +
                           typeName(artifact));
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(artifact)
                               .request();
    return rt::Artifact::fromBytes(info.ptr, info.size * info.itemsize);
  }();
  if (!loaded)
    throw ArtifactError(loaded.message());
  return loaded.take();
}

PySession::PySession(const py::object &artifact,
                     const std::optional<std::string> &device,
                     unsigned numThreads) {
  rt::DeviceKind kind = rt::DeviceKind::Cpu;
  if (device)
    std::tie(kind, ordinal) = parseDevice(*device);
  art = std::make_shared<const rt::Artifact>(loadArtifact(artifact));
  if (!device)
    kind = rt::defaultDevice(*art);
  rt::SessionOptions options;
  options.numThreads = numThreads;
  options.gpuDevice = ordinal;
  rt::Expected<std::unique_ptr<rt::Session>> created =
      rt::createSession(art, kind, options);
  if (!created)
    throw ArtifactError(created.message());
  session = created.take();
  for (uint32_t index : art->inputs()) {
    const rt::BufferDesc &b = art->buffers()[index];
    inputSpecs.push_back({b.name, b.dtype, b.shape});
  }
  for (uint32_t index : art->outputs()) {
    const rt::BufferDesc &b = art->buffers()[index];
    outputSpecs.push_back({b.name, b.dtype, b.shape});
  }
}

RunStream PySession::resolveStream(const py::object &stream) const {
  RunStream run;
  rt::DeviceKind kind = session->device();
  if (!isGpu(kind)) {
    if (!stream.is_none())
      throw py::value_error(std::string("stream= is for cuda and hip "
                                        "sessions; a ") +
                            device() + " session finishes inside run_into");
    return run;
  }
  if (!stream.is_none()) {
    // A stream object (torch.cuda.Stream, cupy's) or its handle.
    py::object value = stream;
    if (!py::isinstance<py::int_>(value) && py::hasattr(value, "cuda_stream"))
      value = value.attr("cuda_stream");
    if (!py::isinstance<py::int_>(value))
      throw py::type_error("stream must be a stream handle (int) or an object "
                           "with a cuda_stream attribute, got " +
                           typeName(stream));
    auto handle = value.cast<intptr_t>();
    // 0 is CUDA's legacy default stream (PyTorch's default stream), which
    // the driver and DLPack both call 1. HIP's null stream has no handle
    // runWith could tell from "none": it runs on the session's stream and
    // waits, below.
    if (kind == rt::DeviceKind::Cuda && handle == 0)
      handle = kCudaLegacyStream;
    if (handle != 0) {
      run.handle = reinterpret_cast<void *>(handle);
      run.dlpack = handle;
      run.wait = false;
      return run;
    }
  }
  run.handle = session->nativeStream();
  run.dlpack = reinterpret_cast<intptr_t>(run.handle);
  run.wait = true;
  return run;
}

void PySession::requireHostSession(const char *method) const {
  if (onGpu())
    throw py::value_error(std::string(method) + " needs host memory; a " +
                          device() +
                          " session runs on device memory the caller "
                          "allocates: use run_into(inputs, outputs) with "
                          "tensors on " +
                          device() + ":" + std::to_string(ordinal));
}

void PySession::bind(const py::object &tensors,
                     const std::vector<TensorSpec> &specs, bool isOutput,
                     Bindings &bindings) const {
  const char *role = isOutput ? "output" : "input";
  if (!py::isinstance<py::list>(tensors) && !py::isinstance<py::tuple>(tensors))
    throw py::type_error(std::string(role) +
                         "s must be a list or tuple of tensors, got " +
                         typeName(tensors));
  auto sequence = py::reinterpret_borrow<py::sequence>(tensors);
  if (sequence.size() != specs.size()) {
    std::string names;
    for (const TensorSpec &spec : specs)
      names += (names.empty() ? "" : ", ") + spec.name;
    throw py::value_error("expected " + std::to_string(specs.size()) + " " +
                          role + "s (" + names + "), got " +
                          std::to_string(sequence.size()));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec &spec = specs[i];
    std::string what =
        std::string(role) + " " + std::to_string(i) + " ('" + spec.name + "')";
    py::object object = sequence[i];
    try {
      bindings.borrowed.push_back(
          BorrowedTensor::borrow(object, isOutput, bindings.stream.dlpack));
    } catch (py::type_error &error) {
      throw py::type_error(what + ": " + error.what());
    } catch (py::error_already_set &error) {
      std::string reason = py::str(error.value());
      py::raise_from(error, PyExc_ValueError,
                     (what + ": cannot borrow its memory: " + reason).c_str());
      throw py::error_already_set();
    }
    const BorrowedTensor &tensor = bindings.borrowed.back();
    DLDevice expectedDevice{kDLCPU, 0};
    if (session->device() == rt::DeviceKind::Cuda)
      expectedDevice = {kDLCUDA, ordinal};
    else if (session->device() == rt::DeviceKind::Hip)
      expectedDevice = {kDLROCM, ordinal};
    if (tensor.device().device_type != expectedDevice.device_type ||
        (onGpu() && tensor.device().device_id != ordinal))
      throw py::value_error(
          what + " is in " + deviceName(tensor.device()) + " memory; a " +
          device() + " session takes " +
          (onGpu() ? deviceName(expectedDevice) : std::string("host")) +
          " memory");
    DLDataType expected = dlpackType(spec.dtype);
    if (!sameType(tensor.dtype(), expected))
      throw py::value_error(what + ": expected dtype " + dtypeName(expected) +
                            ", got " + dtypeName(tensor.dtype()));
    if (tensor.shape() != spec.shape)
      throw py::value_error(what + ": expected shape " +
                            formatShape(spec.shape) + ", got " +
                            formatShape(tensor.shape()));
    if (!tensor.isCompact())
      throw py::value_error(what + " is not C-contiguous (strides " +
                            formatShape(tensor.strides()) +
                            " elements); pass a contiguous copy");
    // What the session needs of this address (Session::bindingAlignment:
    // 64 bytes on CUDA, HIP and 1.0 CPU artifacts, the element on the CPU,
    // nothing on OpenCL, which copies).
    uint64_t alignment = session->bindingAlignment(isOutput, i);
    bool aligned =
        reinterpret_cast<uintptr_t>(tensor.data()) % alignment == 0;
    auto misaligned = [&](const char *access, const char *remedy) {
      return py::value_error(what + " does not start at a " +
                             std::to_string(alignment) +
                             "-byte aligned address, which the kernels " +
                             access + "; " + remedy);
    };
    if (isOutput) {
      if (!aligned)
        throw misaligned("write with vector stores",
                         "allocate it with torch.empty or use run()");
      bindings.outputs.push_back(tensor.data());
      continue;
    }
    if (aligned) {
      bindings.inputs.push_back(tensor.data());
      continue;
    }
    if (onGpu())
      throw misaligned("read with vector loads",
                       "pass a fresh copy (e.g. tensor.clone())");
    // The kernels' vector loads would fault on this address.
    // The copy goes to the buffer the last call used for this input, if it
    // is free: fresh memory costs a page fault per page touched (a 16 MiB
    // input took 10 ms of faults, its kernel 0.6 ms). The GIL guards the
    // cache, so concurrent calls never share a buffer.
    StagingBuffer buffer;
    if (i < stagingCache.size() &&
        stagingCache[i].bytes == tensor.nbytes())
      buffer = std::exchange(stagingCache[i], StagingBuffer());
    if (!buffer.data) {
      buffer.bytes = tensor.nbytes();
      buffer.array =
          alignedArray(py::module_::import("numpy"), rt::DType::U8,
                       {static_cast<int64_t>(buffer.bytes)}, buffer.bytes,
                       buffer.data);
    }
    std::memcpy(buffer.data, tensor.data(), tensor.nbytes());
    bindings.inputs.push_back(buffer.data);
    bindings.staging.push_back({i, std::move(buffer)});
  }
}

void PySession::recycle(Bindings &bindings) const {
  stagingCache.resize(inputSpecs.size());
  for (auto &[index, buffer] : bindings.staging)
    if (!stagingCache[index].data)
      stagingCache[index] = std::move(buffer);
  bindings.staging.clear();
}

void PySession::execute(const Bindings &bindings) {
  rt::Status status = rt::Status::success();
  {
    py::gil_scoped_release release;
    status = session->runWith(bindings.inputs, bindings.outputs,
                              bindings.stream.handle);
    if (status.ok() && bindings.stream.wait)
      status = session->synchronize(bindings.stream.handle);
  }
  if (!status.ok())
    throw std::runtime_error(status.message());
}

py::list PySession::run(const py::object &inputs) {
  requireHostSession("run()");
  Bindings bindings;
  bind(inputs, inputSpecs, /*isOutput=*/false, bindings);
  py::module_ numpy = py::module_::import("numpy");
  py::list results;
  for (size_t i = 0; i < outputSpecs.size(); ++i) {
    const TensorSpec &spec = outputSpecs[i];
    void *data = nullptr;
    results.append(alignedArray(numpy, spec.dtype, spec.shape,
                                art->buffers()[art->outputs()[i]].sizeBytes,
                                data));
    bindings.outputs.push_back(data);
  }
  execute(bindings);
  recycle(bindings);
  return results;
}

void PySession::runInto(const py::object &inputs, const py::object &outputs,
                        const py::object &stream) {
  Bindings bindings;
  bindings.stream = resolveStream(stream);
  bind(inputs, inputSpecs, /*isOutput=*/false, bindings);
  bind(outputs, outputSpecs, /*isOutput=*/true, bindings);
  execute(bindings);
  recycle(bindings);
}

py::dict PySession::benchmark(const py::object &inputs, unsigned warmup,
                              unsigned iterations) {
  requireHostSession("benchmark()");
  if (iterations == 0)
    throw py::value_error("benchmark needs at least one iteration");
  py::list outputs = run(inputs);
  Bindings bindings;
  bind(inputs, inputSpecs, /*isOutput=*/false, bindings);
  bind(outputs, outputSpecs, /*isOutput=*/true, bindings);
  std::vector<double> times;
  rt::Status status = rt::Status::success();
  {
    py::gil_scoped_release release;
    for (unsigned i = 0; i < warmup + iterations && status.ok(); ++i) {
      auto start = std::chrono::steady_clock::now();
      status = session->runWith(bindings.inputs, bindings.outputs);
      std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      if (i >= warmup)
        times.push_back(took.count());
    }
  }
  if (!status.ok())
    throw std::runtime_error(status.message());
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2]
                        : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  py::dict result;
  result["median_ms"] = median;
  result["mean_ms"] = std::accumulate(times.begin(), times.end(), 0.0) / n;
  result["min_ms"] = sorted.front();
  result["max_ms"] = sorted.back();
  result["iterations"] = iterations;
  result["warmup"] = warmup;
  return result;
}

} // namespace

void rong::python::populateRuntimeBindings(py::module_ &m) {
  py::class_<TensorSpec>(m, "TensorSpec",
                         "The name, element type and shape of a graph input "
                         "or output.")
      .def_readonly("name", &TensorSpec::name)
      .def_property_readonly("dtype", &TensorSpec::dtypeString,
                             "NumPy's name of the element type: 'float32', "
                             "'int64', 'bool', 'bfloat16', ...")
      .def_property_readonly(
          "shape",
          [](const TensorSpec &s) {
            py::tuple shape(s.shape.size());
            for (size_t i = 0; i < s.shape.size(); ++i)
              shape[i] = s.shape[i];
            return shape;
          })
      .def("__repr__", [](const TensorSpec &s) {
        return "TensorSpec(name='" + s.name + "', dtype='" + s.dtypeString() +
               "', shape=" + formatShape(s.shape) + ")";
      });

  py::class_<PySession>(m, "Session",
                        "An artifact loaded on a device, ready to run.")
      .def(py::init<const py::object &, const std::optional<std::string> &,
                    unsigned>(),
           py::arg("artifact"), py::kw_only(), py::arg("device") = py::none(),
           py::arg("num_threads") = 0,
           "Loads `artifact` (its bytes, or the path of a .rong file) on "
           "`device` ('cpu', 'opencl', 'cuda[:N]' or 'hip[:N]'; None: the "
           "device the artifact was compiled for). num_threads=0 means "
           "$RONG_NUM_THREADS, else every core.")
      .def_property_readonly("inputs", &PySession::inputs)
      .def_property_readonly("outputs", &PySession::outputs)
      .def_property_readonly("target", &PySession::target)
      .def_property_readonly("device", &PySession::device)
      .def_property_readonly("device_index", &PySession::deviceIndex,
                             "The GPU's ordinal (0 on the CPU and OpenCL).")
      .def_property_readonly("stream", &PySession::stream,
                             "The session's own stream handle on GPUs (an "
                             "int); None on the CPU and OpenCL.")
      .def_property_readonly("arena_bytes", &PySession::arenaBytes)
      .def("run", &PySession::run, py::arg("inputs"),
           "Runs the plan on `inputs` (DLPack tensors, in graph order) and "
           "returns the outputs as new NumPy arrays (CPU and OpenCL "
           "sessions).")
      .def("run_into", &PySession::runInto, py::arg("inputs"),
           py::arg("outputs"), py::kw_only(), py::arg("stream") = py::none(),
           "Runs the plan on `inputs`, writing into the caller's `outputs` "
           "(DLPack tensors, e.g. torch.empty) in place. On GPUs, `stream` "
           "(a handle or torch.cuda.Stream) is where the work is enqueued, "
           "and the call returns once it is; with None it runs on the "
           "session's own stream and waits.")
      .def("benchmark", &PySession::benchmark, py::arg("inputs"),
           py::kw_only(), py::arg("warmup") = 5, py::arg("iterations") = 20,
           "Times `iterations` runs after `warmup` ones (CPU and OpenCL "
           "sessions); returns median_ms, mean_ms, min_ms, max_ms, "
           "iterations and warmup.")
      .def("__repr__", [](const PySession &s) {
        return "<rong Session: target " + s.target() + ", " +
               std::to_string(s.inputs().size()) + " inputs, " +
               std::to_string(s.outputs().size()) + " outputs>";
      });
}

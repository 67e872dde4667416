//===- DLPackTensors.cpp - Tensors borrowed from Python -------------------===//
//
// This file implements BorrowedTensor: the DLPack protocol as a consumer
// (call `__dlpack__()`, with the consumer's stream for tensors on a GPU, take
// the DLManagedTensor out of the "dltensor" capsule, rename the capsule
// "used_dltensor" so its destructor leaves the tensor to us, call the
// tensor's deleter when done) and the buffer-protocol fallback.
//
//===----------------------------------------------------------------------===//

#include "DLPackTensors.h"

#include <algorithm>
#include <optional>
#include <string_view>

namespace py = pybind11;
using namespace rong::python;

namespace {

/// NumPy's name for `type`, or null.
const char *numpyName(DLDataType type) {
  if (type.lanes != 1)
    return nullptr;
  switch (type.code) {
  case kDLFloat:
    return type.bits == 16   ? "float16"
           : type.bits == 32 ? "float32"
           : type.bits == 64 ? "float64"
                             : nullptr;
  case kDLBfloat:
    return type.bits == 16 ? "bfloat16" : nullptr;
  case kDLInt:
    return type.bits == 8    ? "int8"
           : type.bits == 16 ? "int16"
           : type.bits == 32 ? "int32"
           : type.bits == 64 ? "int64"
                             : nullptr;
  case kDLUInt:
    return type.bits == 8    ? "uint8"
           : type.bits == 16 ? "uint16"
           : type.bits == 32 ? "uint32"
           : type.bits == 64 ? "uint64"
                             : nullptr;
  case kDLBoolCode:
    return type.bits == 8 ? "bool" : nullptr;
  default:
    return nullptr;
  }
}

/// The element type of a buffer-protocol view, from its struct-module
/// format; nullopt for formats no tensor type matches (big-endian data,
/// records, pointers).
std::optional<DLDataType> bufferType(const Py_buffer &view) {
  std::string_view format = view.format ? view.format : "B";
  if (!format.empty() && std::string_view("@=<").find(format[0]) !=
                             std::string_view::npos)
    format.remove_prefix(1);
  if (format.size() != 1)
    return std::nullopt;
  auto bits = static_cast<uint8_t>(view.itemsize * 8);
  switch (format[0]) {
  case '?':
    return DLDataType{kDLBoolCode, 8, 1};
  case 'b':
  case 'h':
  case 'i':
  case 'l':
  case 'q':
    return DLDataType{kDLInt, bits, 1};
  case 'B':
  case 'H':
  case 'I':
  case 'L':
  case 'Q':
    return DLDataType{kDLUInt, bits, 1};
  case 'e':
  case 'f':
  case 'd':
    return DLDataType{kDLFloat, bits, 1};
  default:
    return std::nullopt;
  }
}

/// NumPy arrays of ml_dtypes' bfloat16 offer neither protocol; their bits
/// are borrowed through a uint16 view.
bool isNumpyBfloat16(py::handle object) {
  if (!py::hasattr(object, "dtype") || !py::hasattr(object, "view"))
    return false;
  py::object dtype = object.attr("dtype");
  return py::hasattr(dtype, "name") &&
         py::str(dtype.attr("name")).cast<std::string>() == "bfloat16";
}

/// True when `object` says (`__dlpack_device__`) that its memory is on a
/// GPU, where `__dlpack__` takes the consumer's stream.
bool onGpu(py::handle object) {
  if (!py::hasattr(object, "__dlpack_device__"))
    return false;
  py::tuple device = object.attr("__dlpack_device__")();
  if (device.size() < 1)
    return false;
  int type = device[0].cast<int>();
  return type == kDLCUDA || type == kDLROCM || type == kDLCUDAManaged;
}

} // namespace

BorrowedTensor BorrowedTensor::borrow(py::handle object, bool writable,
                                      std::optional<intptr_t> stream) {
  if (isNumpyBfloat16(object)) {
    BorrowedTensor tensor =
        borrow(object.attr("view")("uint16"), writable, stream);
    tensor.type = DLDataType{kDLBfloat, 16, 1};
    return tensor;
  }

  BorrowedTensor tensor;
  if (py::hasattr(object, "__dlpack__")) {
    py::object capsule;
    try {
      // The producer orders its pending writes before work on `stream`
      // (for PyTorch: an event on its current stream that `stream` waits
      // for). Host memory takes no stream.
      if (stream && onGpu(object))
        capsule = object.attr("__dlpack__")(py::arg("stream") = *stream);
      else
        capsule = object.attr("__dlpack__")();
    } catch (py::error_already_set &error) {
      // NumPy refuses read-only arrays over DLPack 0.6; the buffer protocol
      // still takes them.
      if (!error.matches(PyExc_BufferError) ||
          !PyObject_CheckBuffer(object.ptr()))
        throw;
    }
    if (capsule) {
      if (!PyCapsule_IsValid(capsule.ptr(), "dltensor"))
        throw py::type_error("__dlpack__() of a " + typeName(object) +
                             " returned no unconsumed \"dltensor\" capsule");
      tensor.managed = static_cast<DLManagedTensor *>(
          PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
      // From here the tensor is ours: the capsule's destructor skips
      // renamed capsules, and ~BorrowedTensor calls the deleter.
      PyCapsule_SetName(capsule.ptr(), "used_dltensor");
      const DLTensor &t = tensor.managed->dl_tensor;
      tensor.first = static_cast<char *>(t.data) + t.byte_offset;
      tensor.dev = t.device;
      tensor.type = t.dtype;
      tensor.dims.assign(t.shape, t.shape + t.ndim);
      if (t.strides)
        tensor.steps.assign(t.strides, t.strides + t.ndim);
      tensor.finish();
      return tensor;
    }
  }

  if (!PyObject_CheckBuffer(object.ptr()))
    throw py::type_error(
        "expected a tensor (an object with __dlpack__ or the buffer "
        "protocol), got " +
        typeName(object));
  int flags = PyBUF_RECORDS_RO | (writable ? PyBUF_WRITABLE : 0);
  if (PyObject_GetBuffer(object.ptr(), &tensor.view, flags) != 0)
    throw py::error_already_set();
  tensor.hasView = true;
  std::optional<DLDataType> type = bufferType(tensor.view);
  if (!type)
    throw py::type_error("buffer format '" +
                         std::string(tensor.view.format ? tensor.view.format
                                                        : "") +
                         "' is not a tensor element type");
  tensor.first = tensor.view.buf;
  tensor.type = *type;
  tensor.dims.assign(tensor.view.shape, tensor.view.shape + tensor.view.ndim);
  for (int i = 0; i < tensor.view.ndim; ++i)
    tensor.steps.push_back(tensor.view.strides[i] / tensor.view.itemsize);
  tensor.finish();
  return tensor;
}

void BorrowedTensor::finish() {
  // Strides of extent-1 axes are arbitrary in a compact tensor, and a tensor
  // without elements is compact whatever its strides.
  compact = true;
  if (steps.empty() || std::find(dims.begin(), dims.end(), 0) != dims.end())
    return;
  int64_t expected = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    if (dims[i] != 1 && steps[i] != expected)
      compact = false;
    expected *= dims[i];
  }
}

BorrowedTensor::BorrowedTensor(BorrowedTensor &&other) noexcept
    : managed(other.managed), view(other.view), hasView(other.hasView),
      first(other.first), dev(other.dev), type(other.type),
      dims(std::move(other.dims)), steps(std::move(other.steps)),
      compact(other.compact) {
  other.managed = nullptr;
  other.hasView = false;
}

BorrowedTensor::~BorrowedTensor() {
  if (managed && managed->deleter)
    managed->deleter(managed);
  if (hasView)
    PyBuffer_Release(&view);
}

uint64_t BorrowedTensor::nbytes() const {
  uint64_t count = 1;
  for (int64_t d : dims)
    count *= static_cast<uint64_t>(d);
  return count * ((type.bits * type.lanes + 7) / 8);
}

std::string rong::python::dtypeName(DLDataType type) {
  if (const char *name = numpyName(type))
    return name;
  return "DLPack type (code " + std::to_string(type.code) + ", bits " +
         std::to_string(type.bits) + ", lanes " + std::to_string(type.lanes) +
         ")";
}

std::string rong::python::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string rong::python::deviceName(DLDevice device) {
  switch (device.device_type) {
  case kDLCPU:
    return "cpu";
  case kDLCUDA:
    return "cuda:" + std::to_string(device.device_id);
  case kDLCUDAHost:
    return "cuda_host";
  case kDLROCM:
    return "rocm:" + std::to_string(device.device_id);
  default:
    return "DLPack device type " + std::to_string(device.device_type) + ":" +
           std::to_string(device.device_id);
  }
}

std::string rong::python::typeName(py::handle object) {
  return py::str(py::type::handle_of(object).attr("__name__"));
}

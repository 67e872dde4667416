//===- DLPackTensors.h - Tensors borrowed from Python -----------*- C++ -*-===//
//
// This file declares BorrowedTensor, a view of the memory of a Python tensor
// (host or GPU) for the length of one call: NumPy arrays, PyTorch tensors and
// anything else that speaks DLPack (`__dlpack__`, the v0.6 "dltensor"
// capsule), or, for objects without it or that refuse it (NumPy does for
// read-only arrays), the buffer protocol. Nothing is copied; the producer's
// memory stays alive until the BorrowedTensor is destroyed.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_PYTHON_DLPACKTENSORS_H
#define RONG_PYTHON_DLPACKTENSORS_H

#include <dlpack/dlpack.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rong::python {

/// DLPack 0.8's kDLBool, which dlpack.h 0.6 predates; NumPy and PyTorch
/// export bool tensors with it.
constexpr uint8_t kDLBoolCode = 6;

/// A tensor's memory, borrowed from its Python owner. Destroy it with the GIL
/// held: releasing a DLPack tensor calls back into its producer.
class BorrowedTensor {
public:
  /// Borrows `object`; `writable` asks the buffer protocol for writable
  /// memory (DLPack 0.6 cannot say). `stream`, for objects whose
  /// `__dlpack_device__` is a GPU, is the stream the memory will be used on
  /// (DLPack's convention: 1 is CUDA's legacy default stream, 0 ROCm's
  /// default stream), handed to `__dlpack__` so the producer orders its own
  /// pending work before it. Throws pybind11::type_error when the object
  /// offers neither protocol.
  static BorrowedTensor borrow(pybind11::handle object, bool writable,
                               std::optional<intptr_t> stream = std::nullopt);

  BorrowedTensor(BorrowedTensor &&other) noexcept;
  BorrowedTensor &operator=(BorrowedTensor &&) = delete;
  BorrowedTensor(const BorrowedTensor &) = delete;
  ~BorrowedTensor();

  /// First element (byte offset applied).
  void *data() const { return first; }
  DLDevice device() const { return dev; }
  DLDataType dtype() const { return type; }
  const std::vector<int64_t> &shape() const { return dims; }
  /// Row-major and dense, so the elements are `nbytes()` bytes from data().
  bool isCompact() const { return compact; }
  /// Strides in elements, for messages; empty when compact by declaration.
  const std::vector<int64_t> &strides() const { return steps; }
  /// Elements times element size.
  uint64_t nbytes() const;

private:
  BorrowedTensor() = default;
  void finish();

  DLManagedTensor *managed = nullptr;
  Py_buffer view{};
  bool hasView = false;
  void *first = nullptr;
  DLDevice dev{kDLCPU, 0};
  DLDataType type{};
  std::vector<int64_t> dims;
  std::vector<int64_t> steps;
  bool compact = true;
};

/// "float32", "bfloat16", "bool", ... (NumPy's names); DLPack's own fields
/// for types NumPy has no name for.
std::string dtypeName(DLDataType type);

/// "(2, 3)".
std::string formatShape(const std::vector<int64_t> &shape);

/// "cpu", "cuda:0", ... for messages.
std::string deviceName(DLDevice device);

/// The name of `object`'s Python type, for messages.
std::string typeName(pybind11::handle object);

} // namespace rong::python

#endif // RONG_PYTHON_DLPACKTENSORS_H

//===- Bindings.h - Pieces of the rong._rong extension ----------*- C++ -*-===//
//
// This file declares what the translation units of the extension share: the
// C++ exceptions pybind11 turns into rong._rong.CompileError and
// ArtifactError, and the functions that add each part's bindings to the
// module.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_PYTHON_BINDINGS_H
#define RONG_PYTHON_BINDINGS_H

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

namespace rong::python {

/// The input cannot be compiled; the message holds every diagnostic.
class CompileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The artifact cannot be loaded (corrupt, truncated, another format version)
/// or cannot run on the session's device.
class ArtifactError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// compile_onnx, compile_onnx_bytes, compile_mlir and CompileResult.
void populateCompileBindings(pybind11::module_ &m);

/// Session and TensorSpec.
void populateRuntimeBindings(pybind11::module_ &m);

} // namespace rong::python

#endif // RONG_PYTHON_BINDINGS_H

//===- Bindings.h - Pieces of Rong's Python extensions ----------*- C++ -*-===//
//
// This file declares what the translation units of the extensions share: the
// C++ exceptions pybind11 turns into rong.CompileError and rong.ArtifactError
// (both defined by rong._rong_runtime), and the functions that add each
// part's bindings to its module: the compile bindings to rong._rong, the
// runtime bindings to rong._rong_runtime.
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

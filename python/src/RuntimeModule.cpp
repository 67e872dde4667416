//===- RuntimeModule.cpp - The rong._rong_runtime extension module --------===//
//
// This file implements the module definition of rong._rong_runtime, the
// runtime half of the Python package: Session, TensorSpec and the package's
// exceptions. It links Rong's runtime and nothing of LLVM or MLIR, so it
// also builds where only the runtime does (a GPU machine without LLVM;
// lib/Runtime/CMakeLists.txt, RONG_RUNTIME_PYTHON). The compiler module
// rong._rong re-exports what this one defines.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

namespace py = pybind11;
using namespace rong::python;

PYBIND11_MODULE(_rong_runtime, m) {
  m.doc() = "Rong's runtime: artifacts loaded on a device (docs/python.md)";

  // Both are RuntimeErrors, so code that catches what the C++ side raises
  // in general keeps working. CompileError lives here so that the package
  // can name it (and code can catch it) without the compiler module;
  // rong._rong raises it.
  py::exception<CompileError>(m, "CompileError", PyExc_RuntimeError);
  py::register_exception<ArtifactError>(m, "ArtifactError",
                                        PyExc_RuntimeError);

  m.def(
      "version", [] { return std::string(RONG_VERSION_STRING); },
      "The version of Rong this module was built from.");

  populateRuntimeBindings(m);
}

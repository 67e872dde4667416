//===- Module.cpp - The rong._rong extension module -----------------------===//
//
// This file implements the module definition of rong._rong: its exceptions,
// version() and the compile and runtime bindings, which live in their own
// translation units.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

namespace py = pybind11;
using namespace rong::python;

PYBIND11_MODULE(_rong, m) {
  m.doc() = "Rong's compiler and runtime (docs/python.md)";

  // Both are RuntimeErrors, so code that catches what the C++ side raises
  // in general keeps working.
  py::register_exception<CompileError>(m, "CompileError", PyExc_RuntimeError);
  py::register_exception<ArtifactError>(m, "ArtifactError",
                                        PyExc_RuntimeError);

  m.def(
      "version", [] { return std::string(RONG_VERSION_STRING); },
      "The version of Rong this module was built from.");

  populateCompileBindings(m);
  populateRuntimeBindings(m);
}

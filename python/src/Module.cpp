//===- Module.cpp - The rong._rong extension module -----------------------===//
//
// This file implements the module definition of rong._rong, the compiler
// half of the Python package: the compile bindings, and, re-exported from
// rong._rong_runtime, Session, TensorSpec and the exceptions, so that
// `rong._rong` alone still offers compile-and-run.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

namespace py = pybind11;
using namespace rong::python;

PYBIND11_MODULE(_rong, m) {
  m.doc() = "Rong's compiler (docs/python.md)";

  py::module_ runtime = py::module_::import("rong._rong_runtime");
  for (const char *name :
       {"Session", "TensorSpec", "ArtifactError", "CompileError"})
    m.attr(name) = runtime.attr(name);

  // The class object outlives the module (the interpreter holds both until
  // it exits), so the translator keeps a plain handle to it.
  static PyObject *compileError = runtime.attr("CompileError").ptr();
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error)
        std::rethrow_exception(error);
    } catch (const CompileError &e) {
      PyErr_SetString(compileError, e.what());
    }
  });

  m.def(
      "version", [] { return std::string(RONG_VERSION_STRING); },
      "The version of Rong this module was built from.");

  populateCompileBindings(m);
}

//===- CompileBindings.cpp - rong._rong's compile functions ---------------===//
//
// This file implements compile_onnx, compile_onnx_bytes and compile_mlir:
// each builds a context of its own (resource keys and diagnostics of one
// compilation never meet another's), imports or parses its input, and runs
// compileToArtifact as rongc does. Diagnostics are collected as rongc prints
// them (location, severity, message, source line) and become the message of
// CompileError. The GIL is released while the compiler runs.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"
#include "DLPackTensors.h"

#include "rong/Compiler/Compile.h"
#include "rong/Frontend/OnnxImporter.h"
#include "rong/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"

#include <pybind11/stl.h>

namespace py = pybind11;
using namespace mlir;
using namespace ::rong::python;

namespace {

/// Resource blobs are aligned like the artifact's constants.
constexpr size_t kResourceAlignment = 64;

struct CompileFlags {
  std::string target;
  bool fuse;
  bool explain;
  std::string sourceModel;
};

/// What the compile functions return (CompileResult in Python).
struct PyCompileResult {
  py::bytes artifact;
  py::list steps;
  uint64_t arenaBytes = 0;
  std::string explanation;
  /// Source targets: file name -> bytes of the package.
  py::dict package;
};

/// One compilation: its context, the source manager that holds the text it
/// parses, and the diagnostics it has emitted so far.
class Compilation {
public:
  Compilation()
      : context(registry(), MLIRContext::Threading::DISABLED),
        diagnosticStream(diagnosticText),
        handler(sourceMgr, &context, diagnosticStream) {
    context.setThreadPool(threadPool());
    // Diagnostics name the op; a dump of the whole function helps no one.
    context.printOpOnDiagnostic(false);
  }

  MLIRContext &getContext() { return context; }
  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }

  /// Throws CompileError with every diagnostic so far, or `fallback` when
  /// there were none.
  [[noreturn]] void fail(const std::string &fallback) {
    std::string text = StringRef(diagnosticText).rtrim().str();
    throw CompileError(text.empty() ? fallback : text);
  }

  /// Runs compileToArtifact on `module` without the GIL.
  PyCompileResult compile(ModuleOp module, const CompileFlags &flags);

private:
  static const DialectRegistry &registry() {
    static const DialectRegistry *shared = [] {
      auto *r = new DialectRegistry();
      mlir::rong::registerAllDialects(*r);
      mlir::rong::registerCompilerDependencies(*r);
      return r;
    }();
    return *shared;
  }
  /// One pool for every compilation, rather than threads per context.
  static llvm::ThreadPoolInterface &threadPool() {
    static auto *pool = new llvm::DefaultThreadPool();
    return *pool;
  }

  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::string diagnosticText;
  llvm::raw_string_ostream diagnosticStream;
  SourceMgrDiagnosticHandler handler;
};

PyCompileResult Compilation::compile(ModuleOp module,
                                     const CompileFlags &flags) {
  mlir::rong::CompileOptions options;
  options.target = flags.target;
  options.fuse = flags.fuse;
  options.explain = flags.explain;
  options.sourceModel = flags.sourceModel;
  std::string explanation;
  llvm::raw_string_ostream explanationStream(explanation);
  if (flags.explain)
    options.explainStream = &explanationStream;

  FailureOr<mlir::rong::CompileResult> compiled = failure();
  {
    py::gil_scoped_release release;
    compiled = mlir::rong::compileToArtifact(module, options);
  }
  if (failed(compiled))
    fail("compilation failed");

  PyCompileResult result;
  result.artifact =
      py::bytes(reinterpret_cast<const char *>(compiled->artifact.data()),
                compiled->artifact.size());
  for (const mlir::rong::PlanStepSummary &step : compiled->steps)
    result.steps.append(py::make_tuple(step.kind, step.name, step.ops));
  result.arenaBytes = compiled->arenaBytes;
  result.explanation = std::move(explanation);
  for (const auto &[name, contents] : compiled->packageFiles)
    result.package[py::str(name)] = py::bytes(contents);
  return result;
}

/// Bytes a resource of `type` holds (i1 elements take a byte each).
uint64_t resourceBytes(ShapedType type) {
  uint64_t bits = type.getElementTypeBitWidth();
  return static_cast<uint64_t>(type.getNumElements()) * ((bits + 7) / 8);
}

/// Whether tensors of `type` can hold the elements of `element`: the same
/// width, and a float for a float, an integer of either signedness for a
/// signless integer, a bool or a byte for i1.
bool holdsElements(DLDataType type, Type element) {
  if (type.lanes != 1)
    return false;
  if (element.isInteger(1))
    return type.bits == 8 && (type.code == kDLBoolCode ||
                              type.code == kDLInt || type.code == kDLUInt);
  if (type.bits != element.getIntOrFloatBitWidth())
    return false;
  if (element.isBF16())
    return type.code == kDLBfloat;
  if (isa<FloatType>(element))
    return type.code == kDLFloat;
  if (element.isUnsignedInteger())
    return type.code == kDLUInt;
  if (element.isSignedInteger())
    return type.code == kDLInt;
  return type.code == kDLInt || type.code == kDLUInt;
}

/// Gives every `dense_resource` constant of `module` its data: from
/// `resources` where the key is there, else the blob the text carried.
void attachResources(ModuleOp module, const py::dict &resources) {
  llvm::MapVector<StringRef, DenseResourceElementsAttr> referenced;
  module->walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      referenced.insert({attr.getRawHandle().getKey(), attr});
    });
  });

  std::vector<std::string> unused;
  for (auto item : resources) {
    py::handle value = item.second;
    std::string name = py::str(item.first);
    auto it = referenced.find(name);
    if (it == referenced.end()) {
      unused.push_back(name);
      continue;
    }
    DenseResourceElementsAttr attr = it->second;
    std::string what = "resource '" + name + "'";
    BorrowedTensor tensor = [&] {
      try {
        return BorrowedTensor::borrow(value, /*writable=*/false);
      } catch (py::type_error &error) {
        throw py::type_error(what + ": " + error.what());
      }
    }();
    if (tensor.device().device_type != kDLCPU)
      throw py::value_error(what + " is in " + deviceName(tensor.device()) +
                            " memory; resources are read from host memory");
    if (!tensor.isCompact())
      throw py::value_error(what + " is not C-contiguous");
    std::string type;
    llvm::raw_string_ostream(type) << attr.getType();
    Type element = attr.getType().getElementType();
    if (!element.isIntOrFloat() || !holdsElements(tensor.dtype(), element))
      throw CompileError(what + " is " + dtypeName(tensor.dtype()) +
                         "; the module reads it as " + type);
    uint64_t expected = resourceBytes(attr.getType());
    if (tensor.nbytes() != expected)
      throw CompileError(what + " holds " + std::to_string(tensor.nbytes()) +
                         " bytes; the module reads it as " + type +
                         ", which needs " + std::to_string(expected));
    ArrayRef<char> bytes(static_cast<const char *>(tensor.data()),
                         tensor.nbytes());
    attr.getRawHandle().getResource()->setBlob(
        HeapAsmResourceBlob::allocateAndCopyWithAlign(
            bytes, kResourceAlignment, /*dataIsMutable=*/false));
  }
  if (!unused.empty()) {
    std::string keys;
    for (const std::string &key : unused)
      keys += (keys.empty() ? "'" : ", '") + key + "'";
    throw CompileError("resources given for keys the module does not "
                       "reference: " +
                       keys);
  }
  for (auto &[key, attr] : referenced)
    if (!attr.getRawHandle().getBlob())
      throw CompileError("dense_resource<" + key.str() +
                         "> has no data: pass it in `resources` (resources={'" +
                         key.str() + "': array}) or in the text's "
                         "dialect_resources section");
}

/// Refuses an imported ONNX graph whose inputs are still dynamic.
void requireStaticInputs(Compilation &compilation, ModuleOp module) {
  std::string dynamic = mlir::rong::describeDynamicInput(module);
  if (!dynamic.empty())
    compilation.fail(dynamic + "; Rong compiles static shapes: give its "
                               "symbolic dimensions a size with "
                               "dims={'NAME': SIZE}");
}

/// Import options carrying `dims` (symbolic dimension name -> size).
mlir::rong::OnnxImportOptions importOptions(const py::dict &dims) {
  mlir::rong::OnnxImportOptions options;
  for (auto [name, size] : dims) {
    int64_t value = size.cast<int64_t>();
    if (value < 0)
      throw py::value_error("dims: the size of '" + name.cast<std::string>() +
                            "' must be >= 0, got " + std::to_string(value));
    options.dimSizes.push_back({name.cast<std::string>(), value});
  }
  return options;
}

PyCompileResult compileOnnx(const std::string &path, const std::string &target,
                            bool fuse, bool explain, const py::dict &dims) {
  Compilation compilation;
  OwningOpRef<ModuleOp> module;
  mlir::rong::OnnxImportOptions options = importOptions(dims);
  {
    py::gil_scoped_release release;
    module =
        mlir::rong::importOnnxFile(path, &compilation.getContext(), options);
  }
  if (!module)
    compilation.fail("cannot import '" + path + "'");
  requireStaticInputs(compilation, *module);
  return compilation.compile(
      *module,
      {target, fuse, explain, llvm::sys::path::filename(path).str()});
}

PyCompileResult compileOnnxBytes(const py::buffer &data,
                                 const std::string &sourceName,
                                 const std::string &target, bool fuse,
                                 bool explain, const py::dict &dims) {
  py::buffer_info info = data.request();
  if (info.ndim > 1 || (info.ndim == 1 && info.strides[0] != info.itemsize))
    throw py::value_error("compile_onnx_bytes takes contiguous bytes");
  StringRef bytes(static_cast<const char *>(info.ptr),
                  static_cast<size_t>(info.size * info.itemsize));
  Compilation compilation;
  OwningOpRef<ModuleOp> module;
  mlir::rong::OnnxImportOptions options = importOptions(dims);
  {
    py::gil_scoped_release release;
    module = mlir::rong::importOnnxBuffer(bytes, sourceName, /*modelDir=*/"",
                                          &compilation.getContext(), options);
  }
  if (!module)
    compilation.fail("cannot import '" + sourceName + "'");
  requireStaticInputs(compilation, *module);
  return compilation.compile(*module, {target, fuse, explain, sourceName});
}

PyCompileResult compileMlir(const std::string &text, const py::dict &resources,
                            const std::string &sourceName,
                            const std::string &target, bool fuse,
                            bool explain) {
  Compilation compilation;
  compilation.getSourceMgr().AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, sourceName), llvm::SMLoc());
  OwningOpRef<ModuleOp> module;
  {
    py::gil_scoped_release release;
    // The parser verifies what it parsed.
    module = parseSourceFile<ModuleOp>(compilation.getSourceMgr(),
                                       &compilation.getContext());
  }
  if (!module)
    compilation.fail("cannot parse '" + sourceName + "'");
  attachResources(*module, resources);
  if (failed(verify(*module)))
    compilation.fail("'" + sourceName + "' does not verify");
  return compilation.compile(*module, {target, fuse, explain, sourceName});
}

} // namespace

void ::rong::python::populateCompileBindings(py::module_ &m) {
  py::class_<PyCompileResult>(m, "CompileResult",
                              "An artifact and a summary of its plan.")
      .def_readonly("artifact", &PyCompileResult::artifact,
                    "The artifact's bytes, for Session or a .rong file.")
      .def_readonly("steps", &PyCompileResult::steps,
                    "The plan: (kind, name, ops) per step; kind is "
                    "'kernel' or 'library'.")
      .def_readonly("arena_bytes", &PyCompileResult::arenaBytes,
                    "Bytes of intermediate memory a run needs.")
      .def_readonly("explanation", &PyCompileResult::explanation,
                    "The fusion report when compiled with explain=True, "
                    "else empty.")
      .def_readonly("package", &PyCompileResult::package,
                    "For source targets (target='source:musa:mp_22', ...): "
                    "the source package as {file name: bytes} (kernels "
                    "file, launch.json, weights.bin, model.rong, BUILD.md); "
                    "empty for other targets.")
      .def("__repr__", [](const PyCompileResult &r) {
        return "<rong CompileResult: " + std::to_string(py::len(r.steps)) +
               " steps, " + std::to_string(py::len(r.artifact)) +
               " artifact bytes, arena " + std::to_string(r.arenaBytes) +
               " bytes>";
      });

  m.def("compile_onnx", &compileOnnx, py::arg("path"), py::kw_only(),
        py::arg("target") = "cpu", py::arg("fuse") = true,
        py::arg("explain") = false, py::arg("dims") = py::dict(),
        "Compiles the ONNX model in the file `path` to an artifact. `dims` "
        "sizes symbolic input dimensions by name (rongc --dim).");
  m.def("compile_onnx_bytes", &compileOnnxBytes, py::arg("data"),
        py::kw_only(), py::arg("source_name") = "<bytes>",
        py::arg("target") = "cpu", py::arg("fuse") = true,
        py::arg("explain") = false, py::arg("dims") = py::dict(),
        "Compiles a serialized ONNX model to an artifact; `source_name` "
        "names it in diagnostics, `dims` sizes symbolic input dimensions.");
  m.def("compile_mlir", &compileMlir, py::arg("text"), py::kw_only(),
        py::arg("resources") = py::dict(), py::arg("source_name") = "<mlir>",
        py::arg("target") = "cpu", py::arg("fuse") = true,
        py::arg("explain") = false,
        "Compiles a rong-dialect module (one func.func) to an artifact. "
        "`resources` maps each dense_resource key the text references to "
        "a C-contiguous tensor holding its data.");
}

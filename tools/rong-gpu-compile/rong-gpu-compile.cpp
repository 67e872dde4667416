//===- rong-gpu-compile.cpp - Fusion groups to GPU kernels ----------------===//
//
// This file implements rong-gpu-compile, the standalone driver of the GPU
// code generator: it reads a module whose functions hold rong.fusion groups
// (or already hold kernel IR), lowers the groups to kernel IR for a target and
// emits the kernel IR, or what the target's backend makes of it: for NVIDIA
// the NVVM-dialect module, PTX or one cubin per kernel; for AMD / Hygon DCU
// the ROCDL-dialect module, LLVM IR or one HSA code object holding every
// kernel. With --out-dir it writes the files plus manifest.json (kernel
// symbol, launch configuration, argument order, shapes and element types),
// which is what a launcher needs to run the kernels.
//
//===----------------------------------------------------------------------===//

#include "rong/Conversion/Passes.h"
#include "rong/InitAll.h"
#include "rong/Target/AMDGPU/AMDGPUBackend.h"
#include "rong/Target/CUDA/CUDABackend.h"
#include "rong/Target/Source/SourceBackend.h"
#include "rong/Target/TargetDescriptor.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::rong;
namespace cl = llvm::cl;

static cl::OptionCategory toolCategory("rong-gpu-compile options");

namespace {

enum class Emit { KernelIR, NVVM, PTX, Cubin, ROCDL, LLVMIR, HSACO, Source };

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .mlir>"),
                               cl::init("-"), cl::cat(toolCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default stdout)"),
                                cl::init("-"), cl::cat(toolCategory));
cl::opt<std::string> outDir("out-dir",
                            cl::desc("Write the output (one file per "
                                     "kernel, or one code object) and "
                                     "manifest.json into this directory"),
                            cl::cat(toolCategory));
cl::opt<std::string> targetName(
    "target",
    cl::desc("Target descriptor name, optionally qualified by its family "
             "(sm_90, cuda:sm_90, rocm:gfx906, hip, ...)"),
    cl::init("sm_90"), cl::cat(toolCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::PTX),
    cl::values(clEnumValN(Emit::KernelIR, "kernel-ir", "kernel IR (gpu.func)"),
               clEnumValN(Emit::NVVM, "nvvm", "LLVM + NVVM dialects"),
               clEnumValN(Emit::PTX, "ptx", "PTX text"),
               clEnumValN(Emit::Cubin, "cubin", "cubin (ptxas)"),
               clEnumValN(Emit::ROCDL, "rocdl", "LLVM + ROCDL dialects"),
               clEnumValN(Emit::LLVMIR, "llvm",
                          "LLVM IR for amdgcn-amd-amdhsa, as handed to the "
                          "AMDGPU code generator"),
               clEnumValN(Emit::HSACO, "hsaco",
                          "HSA code object holding every kernel (ld.lld)"),
               clEnumValN(Emit::Source, "source",
                          "vendor source (CUDA, HIP, MUSA, MACA, CoreX, "
                          "OpenCL C) with a launch table")),
    cl::cat(toolCategory));
cl::opt<std::string> cudaPath("cuda-path",
                              cl::desc("CUDA toolkit root (libdevice, ptxas)"),
                              cl::cat(toolCategory));
cl::opt<std::string> ptxasPath("ptxas", cl::desc("ptxas executable"),
                               cl::cat(toolCategory));
cl::opt<unsigned> codeObjectVersion(
    "code-object",
    cl::desc("HSA code object version of --emit=hsaco: 4 (default, what "
             "Hygon's DTK loads) or 5"),
    cl::init(4), cl::cat(toolCategory));
cl::opt<std::string> lldPath("ld-lld",
                             cl::desc("ld.lld executable linking the HSA "
                                      "code object"), cl::cat(toolCategory));
cl::opt<std::string> sourceProfile(
    "profile",
    cl::desc("--emit=source: print with this vendor profile instead of the "
             "target's own (e.g. --target=musa --profile=opencl runs warp-128 "
             "kernels on OpenCL)"), cl::cat(toolCategory));

std::string elementName(Type type) {
  if (type.isF32())
    return "float32";
  if (type.isF16())
    return "float16";
  if (type.isBF16())
    return "bfloat16";
  if (type.isInteger(1))
    return "bool";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

llvm::json::Array toJSON(ArrayRef<int64_t> values) {
  llvm::json::Array array;
  for (int64_t v : values)
    array.push_back(v);
  return array;
}

/// One manifest entry, read off the kernel's attributes.
llvm::json::Object describeKernel(gpu::GPUModuleOp module,
                                  gpu::GPUFuncOp func) {
  llvm::json::Object entry;
  entry["kernel"] = func.getName().str();
  entry["module"] = module.getName().str();
  if (auto grid = func->getAttrOfType<DenseI64ArrayAttr>("rong.grid"))
    entry["grid"] = toJSON(grid.asArrayRef());
  if (auto block = func->getAttrOfType<DenseI64ArrayAttr>("rong.block"))
    entry["block"] = toJSON(block.asArrayRef());
  if (auto shared = func->getAttrOfType<IntegerAttr>("rong.shared_bytes"))
    entry["shared_bytes"] = shared.getInt();
  if (auto strategy = func->getAttrOfType<StringAttr>("rong.strategy"))
    entry["strategy"] = strategy.getValue().str();
  if (auto kind = func->getAttrOfType<StringAttr>("rong.fusion_kind"))
    entry["fusion_kind"] = kind.getValue().str();
  auto names = func->getAttrOfType<ArrayAttr>("rong.args");
  llvm::json::Array args;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto memref = cast<MemRefType>(type);
    llvm::json::Object arg;
    if (names && i < names.size())
      arg["name"] = cast<StringAttr>(names[i]).getValue().str();
    arg["shape"] = toJSON(memref.getShape());
    arg["dtype"] = elementName(memref.getElementType());
    args.push_back(std::move(arg));
  }
  entry["args"] = std::move(args);
  return entry;
}

LogicalResult writeFile(StringRef path, StringRef contents) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return failure();
  }
  file->os() << contents;
  file->keep();
  return success();
}

/// --emit=source: the kernels file, launch.json and BUILD.md into --out-dir,
/// or the kernels file alone to -o.
int emitSource(ModuleOp module, const TargetDescriptor &target) {
  const source::SourceProfile *profile =
      sourceProfile.empty() ? source::profileForTarget(target)
                            : source::lookupSourceProfile(sourceProfile);
  if (!profile) {
    llvm::errs() << (sourceProfile.empty()
                         ? "target '" + target.name.str() +
                               "' has no source profile"
                         : "unknown source profile '" + sourceProfile + "'")
                 << " (profiles: " << source::listSourceProfiles() << ")\n";
    return 1;
  }
  FailureOr<source::SourcePackage> package =
      source::emitSourcePackage(module, target, *profile);
  if (failed(package))
    return 1;
  if (outDir.empty())
    return failed(writeFile(outputFile, package->source)) ? 1 : 0;
  if (llvm::sys::fs::create_directories(outDir)) {
    llvm::errs() << "cannot create " << outDir << "\n";
    return 1;
  }
  auto inDir = [](StringRef name) {
    SmallString<256> path(outDir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  };
  std::string json;
  llvm::raw_string_ostream js(json);
  js << llvm::formatv("{0:2}", package->launchTable) << "\n";
  if (failed(writeFile(inDir(package->fileName), package->source)) ||
      failed(writeFile(inDir("launch.json"), json)) ||
      failed(writeFile(inDir("BUILD.md"), package->buildNotes)))
    return 1;
  return 0;
}

/// "gfx906, gfx90a, gfx942": the targets the AMDGPU backend compiles for.
std::string listROCmTargets() {
  std::string out;
  for (const TargetDescriptor &t : getAllTargets()) {
    if (t.kind != TargetKind::ROCm)
      continue;
    if (!out.empty())
      out += ", ";
    out += t.name.str();
  }
  return out;
}

/// The backend that --emit needs, or nullopt for kernel IR and source.
std::optional<TargetKind> backendOf(Emit what) {
  switch (what) {
  case Emit::NVVM:
  case Emit::PTX:
  case Emit::Cubin:
    return TargetKind::CUDA;
  case Emit::ROCDL:
  case Emit::LLVMIR:
  case Emit::HSACO:
    return TargetKind::ROCm;
  case Emit::KernelIR:
  case Emit::Source:
    return std::nullopt;
  }
  return std::nullopt;
}

/// The target named by --target, or null after reporting why not.
const TargetDescriptor *selectTarget() {
  const TargetDescriptor *target = lookupTarget(targetName);
  StringRef name = targetName;
  if ((!target || !target->isGPU()) &&
      (name.starts_with("rocm:") || name.starts_with("gfx"))) {
    llvm::errs() << "unknown AMDGPU target '" << targetName
                 << "' (ROCm targets: " << listROCmTargets() << ")\n";
    return nullptr;
  }
  if (!target || !target->isGPU()) {
    llvm::errs() << "unknown GPU target '" << targetName
                 << "' (known: " << listTargetNames() << ")\n";
    return nullptr;
  }
  std::optional<TargetKind> backend = backendOf(emit);
  if (backend && *backend != target->kind) {
    llvm::errs() << "target '" << targetName << "' has no "
                 << (*backend == TargetKind::CUDA ? "NVIDIA" : "AMDGPU")
                 << " backend; "
                 << (target->kind == TargetKind::CUDA
                         ? "it emits kernel-ir, nvvm, ptx or cubin"
                     : target->kind == TargetKind::ROCm
                         ? "it emits kernel-ir, rocdl, llvm or hsaco"
                         : "it emits kernel-ir or source")
                 << "\n";
    return nullptr;
  }
  return target;
}

/// Writes `contents` as `fileName` into --out-dir with manifest.json, whose
/// kernels record the file under `fileKey` (when not empty).
LogicalResult writeOutDir(const TargetDescriptor &target,
                          llvm::json::Array kernels, StringRef fileName,
                          StringRef fileKey, StringRef contents) {
  if (llvm::sys::fs::create_directories(outDir)) {
    llvm::errs() << "cannot create " << outDir << "\n";
    return failure();
  }
  if (!fileKey.empty())
    for (llvm::json::Value &kernel : kernels)
      (*kernel.getAsObject())[fileKey] = fileName.str();
  llvm::json::Object root;
  root["target"] = target.name.str();
  root["arch"] = target.arch.str();
  if (target.kind == TargetKind::ROCm)
    root["code_object_version"] = static_cast<int64_t>(codeObjectVersion);
  root["kernels"] = std::move(kernels);
  std::string json;
  llvm::raw_string_ostream js(json);
  js << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  SmallString<256> path(outDir);
  llvm::sys::path::append(path, "manifest.json");
  if (failed(writeFile(path, json)))
    return failure();
  path = outDir;
  llvm::sys::path::append(path, fileName);
  return writeFile(path, contents);
}

/// --emit=rocdl|llvm|hsaco: the AMDGPU backend. One HSA code object holds
/// every kernel; with --out-dir it is `kernels.hsaco`.
int emitROCm(ModuleOp module, const TargetDescriptor &target) {
  if (codeObjectVersion != 4 && codeObjectVersion != 5) {
    llvm::errs() << "--code-object=" << codeObjectVersion
                 << " is not supported (4 or 5)\n";
    return 1;
  }
  rocm::AMDGPUOptions options;
  options.codeObjectVersion = codeObjectVersion;
  options.linkerPath = lldPath;

  // The manifest reads the kernels' attributes before lowering removes them.
  llvm::json::Array kernels;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    for (auto func : gpuModule.getOps<gpu::GPUFuncOp>())
      if (func.isKernel())
        kernels.push_back(describeKernel(gpuModule, func));

  std::string text;
  llvm::raw_string_ostream os(text);
  StringRef fileName, fileKey;
  if (emit == Emit::HSACO) {
    FailureOr<std::string> hsaco = rocm::emitHSACO(module, target, options);
    if (failed(hsaco))
      return 1;
    text = std::move(*hsaco);
    fileName = "kernels.hsaco";
    fileKey = "hsaco";
  } else {
    if (failed(rocm::lowerKernelIRToROCDL(module, target)))
      return 1;
    if (emit == Emit::ROCDL) {
      module.print(os);
      fileName = "kernels.rocdl.mlir";
    } else {
      llvm::LLVMContext llvmContext;
      FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
          rocm::translateToLLVMIR(module, llvmContext, target, options);
      if (failed(llvmModule))
        return 1;
      (*llvmModule)->print(os, nullptr);
      fileName = "kernels.ll";
    }
  }
  if (outDir.empty())
    return failed(writeFile(outputFile, text)) ? 1 : 0;
  return failed(writeOutDir(target, std::move(kernels), fileName, fileKey,
                            text))
             ? 1
             : 0;
}

int run(MLIRContext &context) {
  const TargetDescriptor *target = selectTarget();
  if (!target)
    return 1;

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  auto input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  PassManager pm(&context);
  ConvertFusionToGPUPassOptions options;
  options.target = targetName;
  pm.addPass(createConvertFusionToGPUPass(options));
  if (failed(pm.run(*module)))
    return 1;

  if (emit == Emit::Source)
    return emitSource(*module, *target);
  if (backendOf(emit) == TargetKind::ROCm)
    return emitROCm(*module, *target);

  std::string toolkit = cudaPath.empty() ? cuda::defaultToolkitPath()
                                         : std::string(cudaPath);
  std::string ptxas = ptxasPath.empty() ? toolkit + "/bin/ptxas"
                                        : std::string(ptxasPath);
  bool toDir = !outDir.empty();
  if (toDir && llvm::sys::fs::create_directories(outDir)) {
    llvm::errs() << "cannot create " << outDir << "\n";
    return 1;
  }

  std::string text;
  llvm::raw_string_ostream os(text);
  if (emit == Emit::KernelIR) {
    module->print(os);
  } else if (emit == Emit::NVVM) {
    if (failed(cuda::lowerKernelIRToNVVM(*module)))
      return 1;
    module->print(os);
  }

  llvm::json::Array manifest;
  if (emit == Emit::PTX || emit == Emit::Cubin || toDir) {
    cuda::CUDAOptions cudaOptions;
    cudaOptions.toolkitPath = toolkit;
    for (auto gpuModule : module->getOps<gpu::GPUModuleOp>()) {
      for (auto func : gpuModule.getOps<gpu::GPUFuncOp>()) {
        if (!func.isKernel())
          continue;
        llvm::json::Object entry = describeKernel(gpuModule, func);
        std::string name = func.getName().str();
        if (emit == Emit::PTX || emit == Emit::Cubin) {
          FailureOr<std::string> ptx =
              cuda::emitPTX(gpuModule, *target, cudaOptions);
          if (failed(ptx))
            return 1;
          std::string cubin;
          if (emit == Emit::Cubin) {
            std::string log;
            FailureOr<std::string> assembled =
                cuda::assemblePTX(*ptx, *target, ptxas, log);
            if (failed(assembled)) {
              llvm::errs() << "ptxas failed on kernel '" << name
                           << "':\n" << log << "\n";
              return 1;
            }
            // ptxas is silent on clean input; anything it says is news.
            if (!log.empty())
              llvm::errs() << "ptxas on kernel '" << name << "':\n" << log;
            cubin = std::move(*assembled);
          }
          if (toDir) {
            SmallString<256> path(outDir);
            llvm::sys::path::append(path, name + ".ptx");
            if (failed(writeFile(path, *ptx)))
              return 1;
            entry["ptx"] = name + ".ptx";
            if (emit == Emit::Cubin) {
              path = outDir;
              llvm::sys::path::append(path, name + ".cubin");
              if (failed(writeFile(path, cubin)))
                return 1;
              entry["cubin"] = name + ".cubin";
            }
          } else if (emit == Emit::PTX) {
            os << "// rong.kernel @" << name << "\n" << *ptx << "\n";
          } else {
            os << cubin;
          }
        }
        manifest.push_back(std::move(entry));
      }
    }
  }

  if (toDir) {
    llvm::json::Object root;
    root["target"] = target->name.str();
    root["arch"] = target->arch.str();
    root["kernels"] = std::move(manifest);
    SmallString<256> path(outDir);
    llvm::sys::path::append(path, "manifest.json");
    std::string json;
    llvm::raw_string_ostream js(json);
    js << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    if (failed(writeFile(path, json)))
      return 1;
    if (emit == Emit::KernelIR || emit == Emit::NVVM) {
      path = outDir;
      llvm::sys::path::append(path, emit == Emit::KernelIR
                                        ? "kernels.mlir"
                                        : "kernels.nvvm.mlir");
      if (failed(writeFile(path, text)))
        return 1;
    }
    return 0;
  }
  return failed(writeFile(outputFile, text)) ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // --help lists this tool's options, not those of LLVM's libraries.
  cl::HideUnrelatedOptions(toolCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "Rong GPU code generator: fusion groups -> "
                              "kernel IR -> NVVM -> PTX -> cubin, or "
                              "kernel IR -> ROCDL -> LLVM IR -> HSACO\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  cuda::registerCUDABackendDependencies(registry);
  rocm::registerAMDGPUBackendDependencies(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  return run(context);
}

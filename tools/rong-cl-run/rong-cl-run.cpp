//===- rong-cl-run.cpp - Run an OpenCL source package on .npy inputs ------===//
//
// This file implements rong-cl-run: it reads a package written by
// `rong-gpu-compile --emit=source --profile=opencl` (kernels.cl and
// launch.json), builds the program on the first OpenCL device (PoCL in CI)
// and runs one kernel with the launch table's NDRange: inputs (arguments
// named in*) from .npy files, outputs (the others) written to .npy files.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Npy.h"
#include "rong/Runtime/OpenCL.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace rong::runtime;
namespace cl = llvm::cl;

static cl::OptionCategory toolCategory("rong-cl-run options");

namespace {

cl::opt<std::string> packageDir("package", cl::desc("Source package folder"),
                                cl::Required, cl::cat(toolCategory));
cl::opt<std::string> kernelName("kernel", cl::desc("Kernel to run"),
                                cl::cat(toolCategory));
cl::list<std::string> inputs("input", cl::desc("Input .npy, in order"),
                             cl::cat(toolCategory));
cl::list<std::string> outputs("output", cl::desc("Output .npy, in order"),
                              cl::cat(toolCategory));
cl::opt<bool> buildOnly("build-only",
                        cl::desc("Build the program and list its kernels"),
                        cl::cat(toolCategory));

int fail(const llvm::Twine &message) {
  llvm::errs() << "rong-cl-run: " << message << "\n";
  return 1;
}

std::string npyType(llvm::StringRef dtype) {
  if (dtype == "float32")
    return "<f4";
  if (dtype == "float16")
    return "<f2";
  if (dtype == "bfloat16")
    return "<u2"; // raw bits, as rong-run takes them
  if (dtype == "bool")
    return "|b1";
  return "";
}

size_t elementBytes(llvm::StringRef dtype) {
  return dtype == "float32" ? 4 : dtype == "bool" ? 1 : 2;
}

std::string join(const std::vector<int64_t> &shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return "[" + s + "]";
}

int run() {
  auto read = [](const std::string &name)
      -> llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> {
    llvm::SmallString<256> path(packageDir);
    llvm::sys::path::append(path, name);
    return llvm::MemoryBuffer::getFile(path);
  };
  auto tableText = read("launch.json");
  if (!tableText)
    return fail("cannot read " + packageDir + "/launch.json");
  llvm::Expected<llvm::json::Value> table =
      llvm::json::parse((*tableText)->getBuffer());
  if (!table)
    return fail("launch.json: " + llvm::toString(table.takeError()));
  const llvm::json::Object *root = table->getAsObject();
  if (!root || root->getString("profile") != "opencl")
    return fail("launch.json is not an OpenCL package (--profile=opencl)");
  auto source = read(root->getString("source").value_or("kernels.cl").str());
  if (!source)
    return fail("cannot read the kernels file of " + packageDir);

  Expected<std::unique_ptr<OpenCLDevice>> device = OpenCLDevice::create();
  if (!device)
    return fail(device.message());
  Status built = (*device)->build((*source)->getBuffer().str(),
                                  "-cl-std=CL1.2");
  if (!built.ok())
    return fail(built.message());
  const llvm::json::Array *kernels = root->getArray("kernels");
  if (!kernels)
    return fail("launch.json has no kernels");
  if (buildOnly) {
    llvm::outs() << "built " << kernels->size() << " kernel(s) on "
                 << (*device)->name() << "\n";
    return 0;
  }

  const llvm::json::Object *entry = nullptr;
  for (const llvm::json::Value &k : *kernels)
    if (k.getAsObject() && k.getAsObject()->getString("kernel") == kernelName)
      entry = k.getAsObject();
  if (!entry)
    return fail("launch.json has no kernel '" + kernelName + "'");

  OpenCLLaunch launch;
  auto sizes = [&](llvm::StringRef key, std::array<size_t, 3> &out) {
    const llvm::json::Array *a = entry->getArray(key);
    if (!a || a->size() != 3)
      return false;
    for (int i = 0; i < 3; ++i)
      out[i] = static_cast<size_t>((*a)[i].getAsInteger().value_or(0));
    return true;
  };
  if (!sizes("global_size", launch.globalSize) ||
      !sizes("local_size", launch.localSize))
    return fail("kernel '" + kernelName + "' has no global/local size");
  if (auto index = entry->getInteger("dynamic_local_arg")) {
    launch.dynamicLocalIndex = static_cast<int>(*index);
    launch.dynamicLocalBytes =
        static_cast<size_t>(entry->getInteger("shared_bytes").value_or(0));
  }

  const llvm::json::Array *args = entry->getArray("args");
  std::vector<std::vector<uint8_t>> storage;
  std::vector<OpenCLBufferArg> clArgs;
  std::vector<std::pair<size_t, std::string>> outs; // arg index, file
  std::vector<std::string> outTypes;
  std::vector<std::vector<int64_t>> shapes;
  size_t nextInput = 0, nextOutput = 0;
  for (const llvm::json::Value &a : *args) {
    const llvm::json::Object *arg = a.getAsObject();
    std::string name = arg->getString("name").value_or("").str();
    std::string dtype = arg->getString("dtype").value_or("").str();
    std::vector<int64_t> shape;
    int64_t elements = 1;
    for (const llvm::json::Value &d : *arg->getArray("shape")) {
      shape.push_back(d.getAsInteger().value_or(0));
      elements *= shape.back();
    }
    std::string descr = npyType(dtype);
    if (descr.empty())
      return fail("argument '" + name + "' has dtype " + dtype +
                  ", which rong-cl-run does not handle");
    size_t bytes = static_cast<size_t>(elements) * elementBytes(dtype);
    bool isInput = llvm::StringRef(name).starts_with("in");
    std::vector<uint8_t> data(bytes, 0);
    if (isInput) {
      if (nextInput >= inputs.size())
        return fail("kernel '" + kernelName + "' needs more inputs than the " +
                    std::to_string(inputs.size()) + " given");
      const std::string &file = inputs[nextInput++];
      Expected<NpyArray> array = readNpy(file);
      if (!array)
        return fail(array.message());
      if (array->descr != descr || array->shape != shape)
        return fail("input '" + name + "': " + file + " holds " +
                    array->descr + " " + join(array->shape) +
                    ", but the kernel expects " + descr + " " + join(shape));
      data = std::move(array->data);
    } else {
      if (nextOutput >= outputs.size())
        return fail("kernel '" + kernelName + "' has more outputs than the " +
                    std::to_string(outputs.size()) + " --output files given");
      outs.push_back({clArgs.size(), outputs[nextOutput++]});
      outTypes.push_back(descr);
    }
    shapes.push_back(shape);
    storage.push_back(std::move(data));
    clArgs.push_back({storage.back().data(), bytes, !isInput});
  }
  if (nextInput != inputs.size() || nextOutput != outputs.size())
    return fail("kernel '" + kernelName + "' takes " +
                std::to_string(nextInput) + " inputs and " +
                std::to_string(nextOutput) + " outputs");
  // storage may have moved while growing: point the arguments again.
  for (size_t i = 0; i < clArgs.size(); ++i)
    clArgs[i].data = storage[i].data();

  Status ran = (*device)->run(kernelName, clArgs, launch);
  if (!ran.ok())
    return fail(ran.message());
  for (auto [i, out] : llvm::enumerate(outs)) {
    Status written = writeNpy(out.second, outTypes[i], shapes[out.first],
                              storage[out.first].data(),
                              storage[out.first].size());
    if (!written.ok())
      return fail(written.message());
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // --help lists this tool's options, not those of LLVM's libraries.
  cl::HideUnrelatedOptions(toolCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "Build and run OpenCL kernels of a Rong source "
                              "package on .npy inputs\n");
  if (!buildOnly && kernelName.empty())
    return fail("--kernel is required unless --build-only");
  return run();
}

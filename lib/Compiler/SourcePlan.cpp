//===- SourcePlan.cpp - The package of a source target ---------------------===//
//
// This file implements addSourcePackage: what `rongc --target=source:...`
// writes for a vendor whose toolchain, not Rong, builds the kernels. The
// package holds the kernels file, the vendor's build notes, and the whole
// execution plan twice: as the artifact (model.rong, read with Rong's
// runtime library) and as JSON plus raw weights for a host program of the
// vendor's own. The JSON is made from the artifact as read back, so both
// describe the same plan.
//
//===----------------------------------------------------------------------===//

#include "ExecutionPlan.h"

#include "rong/Runtime/Artifact.h"

#include "llvm/Support/FormatVariadic.h"

#include <set>

using namespace mlir;
using namespace mlir::rong;
namespace rt = ::rong::runtime;

namespace {

template <typename T> llvm::json::Array toArray(const std::vector<T> &values) {
  llvm::json::Array array;
  for (const T &v : values)
    array.push_back(v);
  return array;
}

/// The plan of `artifact` as JSON; constants' bytes are appended to
/// `weights`, each at a 64-byte-aligned offset recorded in its buffer.
llvm::json::Object describePlan(const rt::Artifact &artifact,
                                std::string &weights) {
  llvm::json::Array buffers;
  for (auto [index, b] : llvm::enumerate(artifact.buffers())) {
    llvm::json::Object o{{"index", static_cast<int64_t>(index)},
                         {"name", b.name},
                         {"dtype", rt::dtypeName(b.dtype)},
                         {"shape", toArray(b.shape)},
                         {"role", rt::roleName(b.role)},
                         {"bytes", static_cast<int64_t>(b.sizeBytes)}};
    if (b.role == rt::BufferRole::Intermediate)
      o["arena_offset"] = static_cast<int64_t>(b.arenaOffset);
    if (b.role == rt::BufferRole::Constant) {
      weights.resize(llvm::alignTo(weights.size(), rt::kDataAlignment), '\0');
      o["weights_offset"] = static_cast<int64_t>(weights.size());
      weights.append(reinterpret_cast<const char *>(b.data.data),
                     b.data.size);
    }
    buffers.push_back(std::move(o));
  }
  llvm::json::Array steps;
  for (const rt::StepDesc &step : artifact.steps()) {
    llvm::json::Object o;
    if (step.kind == rt::StepDesc::Kind::Launch) {
      const rt::LaunchDesc &l = step.launch;
      o["kind"] = "launch";
      o["kernel"] = artifact.kernels()[l.kernel].symbol;
      o["grid"] = llvm::json::Array{l.grid[0], l.grid[1], l.grid[2]};
      o["block"] = llvm::json::Array{l.block[0], l.block[1], l.block[2]};
      o["shared_bytes"] = static_cast<int64_t>(l.dynamicSharedBytes);
    } else {
      o["kind"] = "library_call";
      o["function"] = step.call.function;
      o["int_params"] = toArray(step.call.intParams);
      o["float_params"] = toArray(step.call.floatParams);
    }
    o["args"] = toArray(step.args());
    o["ops"] = step.debug;
    steps.push_back(std::move(o));
  }
  return llvm::json::Object{
      {"arena_bytes", static_cast<int64_t>(artifact.arenaBytes())},
      {"inputs", toArray(artifact.inputs())},
      {"outputs", toArray(artifact.outputs())},
      {"buffers", std::move(buffers)},
      {"steps", std::move(steps)}};
}

/// The part of BUILD.md that says how to run the whole model.
std::string runNotes(const source::SourceProfile &profile,
                     const rt::Artifact &artifact) {
  unsigned launches = 0, calls = 0;
  std::set<std::string> functions;
  for (const rt::StepDesc &step : artifact.steps()) {
    if (step.kind == rt::StepDesc::Kind::Launch) {
      ++launches;
    } else {
      ++calls;
      functions.insert(step.call.function);
    }
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "\n## Running the model\n\n"
     << "`launch.json` key `plan` is the execution plan: " << launches
     << " kernel launches and " << calls << " library calls";
  if (!functions.empty()) {
    os << " (";
    for (auto [i, f] : llvm::enumerate(functions))
      os << (i ? ", " : "") << "`" << f << "`";
    os << ")";
  }
  os << ", in order.\n"
        "- Allocate one device buffer per graph input, output and constant "
        "(`bytes`), and one arena of\n  `arena_bytes`; intermediates live "
        "at their `arena_offset` inside it.\n"
        "- Copy each constant from `weights.bin` (`weights_offset`, `bytes`) "
        "to its buffer once.\n"
        "- Run `steps` in order on one stream: a `launch` passes the device "
        "addresses of `args` (buffer\n  indices) to `kernel` with its "
        "`grid`, `block` and `shared_bytes`; a `library_call` runs the\n"
        "  vendor BLAS (" << profile.blasLibrary
     << ") with the parameters documented for it in Rong's\n"
        "  docs/runtime.md (row-major operands).\n"
        "\n`model.rong` is the same plan with the weights and this source "
        "in Rong's artifact format; Rong's\nruntime library (C++, no MLIR) "
        "reads it with `rong::runtime::Artifact::load`.\n";
  return s;
}

} // namespace

LogicalResult plan::addSourcePackage(ModuleOp module,
                                     const TargetDescriptor &target,
                                     const source::SourceProfile &profile,
                                     source::SourcePackage package,
                                     CompileResult &result) {
  rt::Expected<rt::Artifact> artifact =
      rt::Artifact::fromBytes(result.artifact.data(), result.artifact.size());
  if (!artifact)
    return module.emitError()
           << "the artifact just written does not read back: "
           << artifact.message();
  std::string weights;
  llvm::json::Object plan = describePlan(*artifact, weights);

  llvm::json::Object launch;
  if (llvm::json::Object *table = package.launchTable.getAsObject())
    launch = std::move(*table);
  launch["target"] = spellTarget(target);
  launch["arch"] = target.arch.str();
  launch["profile"] = profile.name.str();
  launch["warp_size"] = static_cast<int64_t>(target.subgroupSize);
  launch["plan"] = std::move(plan);
  std::string launchJSON =
      llvm::formatv("{0:2}", llvm::json::Value(std::move(launch))).str() +
      "\n";

  std::string notes = package.buildNotes;
  if (notes.empty())
    notes = "# Rong model for " + profile.vendor.str() +
            "\n\nThe model has no kernels to build.\n";
  notes += runNotes(profile, *artifact);

  auto &files = result.packageFiles;
  if (!package.fileName.empty())
    files.emplace_back(package.fileName, std::move(package.source));
  files.emplace_back("launch.json", std::move(launchJSON));
  files.emplace_back("weights.bin", std::move(weights));
  files.emplace_back(
      "model.rong",
      std::string(reinterpret_cast<const char *>(result.artifact.data()),
                  result.artifact.size()));
  files.emplace_back("BUILD.md", std::move(notes));
  return success();
}

//===- ArtifactChecks.cpp - Semantic checks of an artifact
//-----------------===//
//
// This file implements the checks that make a verified artifact safe to
// execute. Executors rely on them: after Artifact::load succeeds, no index in
// the plan is out of range, every buffer's byte size matches its shape and
// element type, and every intermediate lies inside the arena.
//
//===----------------------------------------------------------------------===//

#include "ArtifactChecks.h"

#include <algorithm>
#include <set>

namespace rong::runtime {

namespace {

std::string plural(uint64_t n, const char *noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// "an input", "a constant".
std::string withArticle(BufferRole role) {
  std::string name = roleName(role);
  return (name[0] == 'c' ? "a " : "an ") + name;
}

bool validDType(DType t) { return static_cast<unsigned>(t) < kNumDTypes; }

Status checkBuffer(const Artifact &a, uint32_t index) {
  const BufferDesc &b = a.buffers()[index];
  std::string what = a.describeBuffer(index);
  if (!validDType(b.dtype))
    return Status::failure(what + ": unknown dtype " +
                           std::to_string(static_cast<unsigned>(b.dtype)));
  if (static_cast<unsigned>(b.role) >= kNumBufferRoles)
    return Status::failure(what + ": unknown role " +
                           std::to_string(static_cast<unsigned>(b.role)));
  std::optional<uint64_t> count = elementCount(b.shape);
  if (!count)
    return Status::failure(what + ": shape " + formatShape(b.shape) +
                           " has a negative dimension or overflows");
  uint64_t elementBytes = dtypeSize(b.dtype);
  if (*count > UINT64_MAX / elementBytes)
    return Status::failure(what + ": shape " + formatShape(b.shape) +
                           " overflows");
  uint64_t needed = *count * elementBytes;
  std::string needs = "shape " + formatShape(b.shape) + " of " +
                      dtypeName(b.dtype) + " needs " + std::to_string(needed);

  if (b.role == BufferRole::Constant) {
    if (b.data.size != needed)
      return Status::failure("constant " + what + " holds " +
                             plural(b.data.size, "byte") + ", but " + needs);
    // An empty constant (a tensor with a zero dimension) has no data to
    // align.
    if (b.data.size != 0 &&
        reinterpret_cast<uintptr_t>(b.data.data) % kDataAlignment != 0)
      return Status::failure("constant " + what + ": data is not " +
                             std::to_string(kDataAlignment) +
                             "-byte aligned in the file");
  } else if (b.data.size != 0) {
    return Status::failure(what + " is " + withArticle(b.role) +
                           " buffer but carries constant data");
  }
  if (b.sizeBytes != needed)
    return Status::failure(what + ": size_bytes is " +
                           std::to_string(b.sizeBytes) + ", but " + needs);

  if (b.role == BufferRole::Intermediate) {
    if (b.arenaOffset % kDataAlignment != 0)
      return Status::failure("intermediate " + what + ": arena offset " +
                             std::to_string(b.arenaOffset) +
                             " is not a multiple of " +
                             std::to_string(kDataAlignment));
    if (b.arenaOffset > a.arenaBytes() ||
        b.sizeBytes > a.arenaBytes() - b.arenaOffset)
      return Status::failure(
          "intermediate " + what + ": bytes [" + std::to_string(b.arenaOffset) +
          ", " + std::to_string(b.arenaOffset + b.sizeBytes) +
          ") lie beyond the arena of " + plural(a.arenaBytes(), "byte"));
  }
  return Status::success();
}

Status checkModule(const Artifact &a, size_t index) {
  const ModuleDesc &m = a.modules()[index];
  std::string what =
      "module " + std::to_string(index) + " (target '" + m.target + "')";
  if (m.images.empty())
    return Status::failure(what + " has no images");
  for (size_t i = 0; i < m.images.size(); ++i) {
    ModuleFormat f = m.images[i].format;
    if (static_cast<unsigned>(f) >= kNumModuleFormats)
      return Status::failure(what + ": image " + std::to_string(i) +
                             " has unknown format " +
                             std::to_string(static_cast<unsigned>(f)));
  }
  return Status::success();
}

Status checkStep(const Artifact &a, size_t index) {
  const StepDesc &s = a.steps()[index];
  std::string what = a.describeStep(index);
  if (s.kind == StepDesc::Kind::Launch) {
    const LaunchDesc &l = s.launch;
    if (l.kernel >= a.kernels().size())
      return Status::failure(
          what + ": names kernel " + std::to_string(l.kernel) +
          ", but the artifact has " + plural(a.kernels().size(), "kernel"));
    auto dims = [](const Dim3 &d) {
      return "[" + std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " +
             std::to_string(d[2]) + "]";
    };
    for (const auto &[name, d] :
         {std::pair{"grid", l.grid}, {"block", l.block}})
      if (d[0] == 0 || d[1] == 0 || d[2] == 0)
        return Status::failure(what + ": " + name + " " + dims(d) +
                               " has a zero dimension");
  } else if (s.call.function.empty()) {
    return Status::failure(what + " has no function name");
  }
  const std::vector<uint32_t> &args = s.args();
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i] >= a.buffers().size())
      return Status::failure(what + ": argument " + std::to_string(i) +
                             " names buffer " + std::to_string(args[i]) +
                             ", but the artifact has " +
                             plural(a.buffers().size(), "buffer"));
  return Status::success();
}

/// Checks one of the graph's input or output lists against the buffer roles.
Status checkGraphBindings(const Artifact &a, bool inputs) {
  const std::vector<uint32_t> &list = inputs ? a.inputs() : a.outputs();
  BufferRole role = inputs ? BufferRole::Input : BufferRole::Output;
  const char *kind = inputs ? "input" : "output";
  std::set<uint32_t> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string what = std::string("graph ") + kind + " " + std::to_string(i);
    uint32_t b = list[i];
    if (b >= a.buffers().size())
      return Status::failure(what + " names buffer " + std::to_string(b) +
                             ", but the artifact has " +
                             plural(a.buffers().size(), "buffer"));
    if (a.buffers()[b].role != role)
      return Status::failure(what + " names " + a.describeBuffer(b) +
                             ", which is " + withArticle(a.buffers()[b].role) +
                             " buffer, not an " + kind);
    if (!seen.insert(b).second)
      return Status::failure(what + " names " + a.describeBuffer(b) +
                             " a second time");
  }
  for (uint32_t b = 0; b < a.buffers().size(); ++b)
    if (a.buffers()[b].role == role && !seen.count(b))
      return Status::failure(a.describeBuffer(b) + " is an " + kind +
                             " buffer but not among the graph " + kind + "s");
  return Status::success();
}

} // namespace

std::string Artifact::describeBuffer(uint32_t index) const {
  std::string s = "buffer " + std::to_string(index);
  if (index < bufferDescs.size() && !bufferDescs[index].name.empty())
    s += " ('" + bufferDescs[index].name + "')";
  return s;
}

std::string Artifact::describeStep(size_t index) const {
  std::string s = "step " + std::to_string(index);
  if (index >= stepDescs.size())
    return s;
  const StepDesc &step = stepDescs[index];
  if (step.kind == StepDesc::Kind::Launch) {
    uint32_t k = step.launch.kernel;
    if (k < kernelDescs.size())
      s += " (launch of kernel '" + kernelDescs[k].symbol + "')";
    else
      s += " (launch)";
  } else {
    s += " (library call '" + step.call.function + "')";
  }
  return s;
}

uint64_t Artifact::ioAlignment(uint32_t index) const {
  if (ioAlign == 0)
    return kDataAlignment;
  uint64_t element =
      index < bufferDescs.size() ? dtypeSize(bufferDescs[index].dtype) : 1;
  return std::max<uint64_t>(ioAlign, element);
}

Status checkArtifact(const Artifact &a) {
  // Callers' memory is checked against it; the session's own buffers are
  // kDataAlignment-aligned, so more could never be met.
  uint32_t io = a.ioAlignmentField();
  if (io & (io - 1) || io > kDataAlignment)
    return Status::failure("io_alignment " + std::to_string(io) +
                           " is not a power of two up to " +
                           std::to_string(kDataAlignment));
  for (uint32_t i = 0; i < a.buffers().size(); ++i)
    if (Status s = checkBuffer(a, i); !s.ok())
      return s;
  for (size_t i = 0; i < a.modules().size(); ++i)
    if (Status s = checkModule(a, i); !s.ok())
      return s;
  for (size_t i = 0; i < a.kernels().size(); ++i) {
    const KernelDesc &k = a.kernels()[i];
    std::string what = "kernel " + std::to_string(i);
    if (k.symbol.empty())
      return Status::failure(what + " has no symbol name");
    if (k.module >= a.modules().size())
      return Status::failure(what + " ('" + k.symbol + "'): names module " +
                             std::to_string(k.module) +
                             ", but the artifact has " +
                             plural(a.modules().size(), "module"));
  }
  for (size_t i = 0; i < a.steps().size(); ++i)
    if (Status s = checkStep(a, i); !s.ok())
      return s;
  if (Status s = checkGraphBindings(a, /*inputs=*/true); !s.ok())
    return s;
  return checkGraphBindings(a, /*inputs=*/false);
}

const ModuleImageDesc *ModuleDesc::find(ModuleFormat format) const {
  for (const ModuleImageDesc &image : images)
    if (image.format == format)
      return &image;
  return nullptr;
}

} // namespace rong::runtime

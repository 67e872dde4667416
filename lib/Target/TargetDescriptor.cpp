//===- TargetDescriptor.cpp - The targets Rong knows ----------------------===//
//
// Numbers come from the vendors' published specifications. Bandwidth and
// launch overhead only steer the cost model; a wrong guess costs performance,
// never correctness. See docs/targets.md for the sources and for which numbers
// were measured on hardware.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/TargetDescriptor.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir::rong;

static const TargetDescriptor kTargets[] = {
    // name, kind, arch, subgroup, maxThreads, onChipBytesPerBlock, processors,
    // vectorBytes, GB/s, launch us, f16, bf16, nvidia-only features.
    {"cpu", TargetKind::CPU, "x86-64", 1, 1, 1u << 20, 2, 32, 20.0, 0.5, false,
     false, false},
    // NVIDIA A100 (sm_80): 163 KiB opt-in shared memory per block.
    {"sm_80", TargetKind::CUDA, "sm_80", 32, 1024, 163 * 1024, 108, 16, 1555.0,
     3.0, true, true, true},
    // NVIDIA H100 SXM (sm_90): 227 KiB opt-in shared memory per block.
    {"sm_90", TargetKind::CUDA, "sm_90", 32, 1024, 227 * 1024, 132, 16, 3000.0,
     3.0, true, true, true},
    // AMD MI50/MI60 and Hygon DCU Z100 (gfx906): wavefront 64, 64 KiB LDS.
    {"gfx906", TargetKind::ROCm, "gfx906", 64, 1024, 64 * 1024, 60, 16, 1024.0,
     5.0, true, false, false},
    // AMD MI200 (gfx90a).
    {"gfx90a", TargetKind::ROCm, "gfx90a", 64, 1024, 64 * 1024, 104, 16, 1600.0,
     5.0, true, true, false},
    // AMD MI300 (gfx942).
    {"gfx942", TargetKind::ROCm, "gfx942", 64, 1024, 64 * 1024, 304, 16, 5300.0,
     5.0, true, true, false},
    // Portable source profiles. Their numbers are conservative defaults for
    // the vendor family; the vendor toolchain maps the source onto the chip.
    // The first entry of a profile is its default (`source:cuda`); the others
    // are chips picked with `source:<profile>:<arch>`, which changes the
    // architecture the build command names and, where it differs, the warp.
    {"cuda", TargetKind::Source, "sm_90", 32, 1024, 48 * 1024, 132, 16, 3000.0,
     3.0, true, true, true},
    {"cuda-sm80", TargetKind::Source, "sm_80", 32, 1024, 48 * 1024, 108, 16,
     1555.0, 3.0, true, true, true},
    {"hip", TargetKind::Source, "gfx906", 64, 1024, 64 * 1024, 60, 16, 1024.0,
     5.0, true, false, false},
    // Hygon DCU K100 (gfx926, gfx928) and BW (gfx936): not in upstream LLVM,
    // so Rong writes HIP source for Hygon's DTK to compile.
    {"hip-gfx926", TargetKind::Source, "gfx926", 64, 1024, 64 * 1024, 120, 16,
     896.0, 5.0, true, false, false},
    {"hip-gfx928", TargetKind::Source, "gfx928", 64, 1024, 64 * 1024, 120, 16,
     896.0, 5.0, true, true, false},
    {"hip-gfx936", TargetKind::Source, "gfx936", 64, 1024, 64 * 1024, 80, 16,
     1600.0, 5.0, true, true, false},
    // Moore Threads MUSA mp_21 (S80/S3000) and mp_22 (S4000): warp 128.
    {"musa", TargetKind::Source, "mp_21", 128, 1024, 64 * 1024, 32, 16, 448.0,
     5.0, true, false, false},
    {"musa-mp22", TargetKind::Source, "mp_22", 128, 1024, 64 * 1024, 48, 16,
     768.0, 5.0, true, true, false},
    // Moore Threads mp_31: warp 32.
    {"musa-mp31", TargetKind::Source, "mp_31", 32, 1024, 64 * 1024, 32, 16,
     800.0, 5.0, true, true, false},
    // MetaX MACA: warp 64, no clusters, no TMA, no inline PTX.
    {"maca", TargetKind::Source, "maca", 64, 1024, 64 * 1024, 104, 16, 1800.0,
     5.0, true, true, false},
    // Iluvatar CoreX: CUDA names, warp 64, no PTX.
    {"corex", TargetKind::Source, "ivcore11", 64, 1024, 64 * 1024, 64, 16,
     800.0, 5.0, true, false, false},
    {"corex-ivcore20", TargetKind::Source, "ivcore20", 64, 1024, 64 * 1024,
     64, 16, 800.0, 5.0, true, true, false},
    // OpenCL C; PoCL on the CPU in CI.
    {"opencl", TargetKind::OpenCL, "opencl", 32, 256, 32 * 1024, 2, 16, 20.0,
     20.0, false, false, false},
};

llvm::ArrayRef<TargetDescriptor> mlir::rong::getAllTargets() {
  return kTargets;
}

const TargetDescriptor *mlir::rong::lookupTarget(llvm::StringRef name) {
  // "rocm:gfx906" names the same descriptor as "gfx906", provided the family
  // matches; "cuda" alone stays the CUDA source profile. "source:musa" is the
  // profile's default chip and "source:musa:mp_22" a chip of that profile
  // (the descriptor whose name is the profile, or starts with "profile-",
  // and whose arch matches).
  auto [family, rest] = name.split(':');
  if (family == "source" && !rest.empty()) {
    auto [profile, arch] = rest.split(':');
    for (const TargetDescriptor &t : kTargets) {
      if (t.kind != TargetKind::Source)
        continue;
      llvm::StringRef base = t.name.split('-').first;
      if (base != profile)
        continue;
      if (arch.empty() ? t.name == profile : t.arch == arch)
        return &t;
    }
    return nullptr;
  }
  bool qualified = !rest.empty();
  for (const TargetDescriptor &t : kTargets) {
    if (!qualified && t.name == name)
      return &t;
    if (qualified && t.name == rest && stringifyTargetKind(t.kind) == family)
      return &t;
  }
  return nullptr;
}

std::string mlir::rong::explainUnknownTarget(llvm::StringRef name) {
  std::string out = "unknown target '" + name.str() + "'";
  auto [family, rest] = name.split(':');
  auto [profile, arch] = rest.split(':');
  std::string archs;
  for (const TargetDescriptor &t : kTargets) {
    bool match = family == "source"
                     ? t.kind == TargetKind::Source &&
                           t.name.split('-').first == profile
                     : stringifyTargetKind(t.kind) == family;
    if (match)
      archs += (archs.empty() ? "" : ", ") + t.arch.str();
  }
  if (family == "rocm" &&
      (rest.starts_with("gfx92") || rest.starts_with("gfx93")))
    out += " (" + rest.str() +
           " is a Hygon DCU that upstream LLVM does not target; "
           "`source:hip:" + rest.str() +
           "` writes HIP source for Hygon's DTK to compile)";
  else if (!archs.empty())
    out += " (" +
           (family == "source" ? "source:" + profile.str() : family.str()) +
           " knows: " + archs + ")";
  out += "; known targets: " + listTargetNames();
  return out;
}

std::string mlir::rong::listTargetNames() {
  std::string out;
  for (const TargetDescriptor &t : kTargets) {
    if (!out.empty())
      out += ", ";
    out += spellTarget(t);
  }
  return out;
}

std::string mlir::rong::spellTarget(const TargetDescriptor &target) {
  switch (target.kind) {
  case TargetKind::CPU:
  case TargetKind::OpenCL:
  case TargetKind::CUDA:
    return target.name.str();
  case TargetKind::ROCm:
    return "rocm:" + target.name.str();
  case TargetKind::Source: {
    llvm::StringRef profile = target.name.split('-').first;
    // MACA names no chip architecture: "source:maca".
    if (target.arch == profile)
      return "source:" + profile.str();
    return "source:" + profile.str() + ":" + target.arch.str();
  }
  }
  return target.name.str();
}

llvm::StringRef mlir::rong::stringifyTargetKind(TargetKind kind) {
  switch (kind) {
  case TargetKind::CPU:
    return "cpu";
  case TargetKind::CUDA:
    return "cuda";
  case TargetKind::ROCm:
    return "rocm";
  case TargetKind::Source:
    return "source";
  case TargetKind::OpenCL:
    return "opencl";
  }
  return "unknown";
}

//===- Profiles.cpp - Vendor profiles of the source backend ---------------===//
//
// This file implements the table of source profiles: what each vendor's
// source dialect calls things and how its toolchain builds the file. Warp
// widths are not here: they come from the target descriptor.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/Source/SourceBackend.h"

using namespace mlir::rong;
using namespace mlir::rong::source;

static const SourceProfile kProfiles[] = {
    {"cuda", SourceLanguage::CUDALike, "NVIDIA CUDA (nvcc)", "kernels.cu",
     "cuda_runtime.h", "cuda", "0xffffffffu", LaunchSyntax::TripleChevron,
     "nvcc -arch={arch} -O3 -c kernels.cu -o kernels.o",
     "yes: `nvcc -arch=sm_90 -c` (test/Target/Source/cuda-nvcc.test)",
     "nvidia.md", "cuBLAS"},
    {"hip", SourceLanguage::CUDALike, "AMD ROCm / Hygon DTK (hipcc)",
     "kernels.hip", "hip/hip_runtime.h", "hip", "",
     LaunchSyntax::HipLaunchKernelGGL,
     "hipcc --offload-arch={arch} -O3 -c kernels.hip -o kernels.o",
     "device side only: `clang++-22 -x hip --offload-arch=gfx906 -nogpulib "
     "-nogpuinc --offload-device-only -c` with Rong's minimal HIP header "
     "(test/Target/Source/hip-clang.test)",
     "hygon-amd.md", "hipBLAS (rocBLAS)"},
    {"musa", SourceLanguage::CUDALike, "Moore Threads MUSA (mcc)", "kernels.mu",
     "musa_runtime.h", "musa", "", LaunchSyntax::TripleChevron,
     "mcc --offload-arch={arch} -O3 -c kernels.mu -o kernels.o",
     "no: golden text only (test/Target/Source/musa.mlir)",
     "moore-threads.md", "muBLAS"},
    {"maca", SourceLanguage::CUDALike, "MetaX MACA (mxcc)", "kernels.maca",
     "mc_runtime.h", "mc", "", LaunchSyntax::TripleChevron,
     "mxcc -x maca -O3 -c kernels.maca -o kernels.o",
     "no: golden text only (test/Target/Source/maca.mlir)", "metax.md", "mcBLAS"},
    {"corex", SourceLanguage::CUDALike, "Iluvatar CoreX (clang, CUDA API)",
     "kernels.cu", "cuda_runtime.h", "cuda", "", LaunchSyntax::TripleChevron,
     "clang++ -x cuda --cuda-gpu-arch={arch} -O3 -c kernels.cu -o kernels.o",
     "no: golden text only (test/Target/Source/corex.mlir)", "iluvatar.md",
     "cuBLAS (CoreX)"},
    {"opencl", SourceLanguage::OpenCLC, "OpenCL C 1.2", "kernels.cl", "", "",
     "", LaunchSyntax::None,
     "clBuildProgram(program, 1, &device, \"-cl-std=CL1.2\", NULL, NULL)",
     "yes: built and run on PoCL by rong-cl-run, compared with NumPy "
     "(test/Target/Source/opencl-pocl.test)",
     "opencl.md", "CLBlast"},
};

const SourceProfile *mlir::rong::source::lookupSourceProfile(StringRef name) {
  for (const SourceProfile &p : kProfiles)
    if (p.name == name)
      return &p;
  return nullptr;
}

const SourceProfile *
mlir::rong::source::profileForTarget(const TargetDescriptor &target) {
  if (target.kind == TargetKind::OpenCL)
    return lookupSourceProfile("opencl");
  if (target.kind != TargetKind::Source)
    return nullptr;
  // Targets are named after their profile, with a chip suffix for variants
  // (musa-mp31).
  StringRef family = target.name.split('-').first;
  return lookupSourceProfile(family);
}

std::string mlir::rong::source::listSourceProfiles() {
  std::string out;
  for (const SourceProfile &p : kProfiles) {
    if (!out.empty())
      out += ", ";
    out += p.name.str();
  }
  return out;
}

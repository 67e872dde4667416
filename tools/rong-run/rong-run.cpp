//===- rong-run.cpp - Runs a Rong artifact on .npy inputs -----------------===//
//
// This file implements rong-run, the command-line front of the runtime:
//
//   rong-run model.rong --input x.npy [--input ...] [--output y.npy ...]
//            [--device cpu|cuda|hip|opencl] [--threads N]
//            [--benchmark [--warmup N] [--iterations N]] [--profile]
//            [--info] [--extract DIR] [--blas-library PATH]
//
// --info prints the artifact's buffers, modules and steps; --extract writes
// each module image to DIR (module<i>.so, .ptx, .cubin, .hsaco, .cl, .cu) for
// inspection with the vendor's tools. Either alone, without inputs, only
// inspects. --profile (CPU, CUDA, HIP) times every step over the
// benchmark's iterations and prints each step's median, its share of the
// summed medians, and what it runs, slowest first. The device defaults to
// the one the artifact was compiled for.
// --blas-library names the vendor BLAS a GPU plan's GEMMs load (default:
// libcublas.so.13, .so.12, .so, found on the library path).
//
// Inputs are matched to the model's graph inputs in order and must have the
// exact element type and shape the model was compiled for; mismatches are
// reported with the input's name and both shapes.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Artifact.h"
#include "rong/Runtime/Npy.h"
#include "rong/Runtime/Session.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

using namespace rong::runtime;

namespace {

const char kUsage[] =
    "usage: rong-run MODEL.rong --input X.npy [--input ...] [--output Y.npy "
    "...]\n"
    "                [--device cpu|cuda|hip|opencl] [--threads N]\n"
    "                [--benchmark [--warmup N] [--iterations N]] [--profile]\n"
    "                [--info] [--extract DIR] [--blas-library PATH]\n";

struct Options {
  std::string model;
  std::vector<std::string> inputs, outputs;
  /// Unset: the device the artifact was compiled for.
  std::optional<DeviceKind> device;
  unsigned threads = 0;
  bool benchmark = false;
  bool profile = false;
  long warmup = 10, iterations = 100;
  bool info = false;
  std::string extractDir;
  std::string blasLibrary;
};

int fail(const std::string &message) {
  std::fprintf(stderr, "rong-run: error: %s\n", message.c_str());
  return 1;
}

Expected<long> parseCount(const std::string &flag, const std::string &text,
                          long min) {
  char *end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < min)
    return Status::failure(flag + " expects a number >= " +
                           std::to_string(min) + ", got '" + text + "'");
  return value;
}

Expected<Options> parseOptions(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> Expected<std::string> {
      if (i + 1 >= argc)
        return Status::failure(arg + " expects a value");
      return std::string(argv[++i]);
    };
    if (arg == "--input" || arg == "--output") {
      Expected<std::string> v = value();
      if (!v)
        return v.status();
      (arg == "--input" ? o.inputs : o.outputs).push_back(*v);
    } else if (arg == "--device") {
      Expected<std::string> v = value();
      if (!v)
        return v.status();
      std::optional<DeviceKind> kind = parseDeviceKind(*v);
      if (!kind)
        return Status::failure("unknown device '" + *v +
                               "' (cpu, cuda, hip or opencl)");
      o.device = *kind;
    } else if (arg == "--threads" || arg == "--warmup" ||
               arg == "--iterations") {
      Expected<std::string> v = value();
      if (!v)
        return v.status();
      Expected<long> n = parseCount(arg, *v, arg == "--warmup" ? 0 : 1);
      if (!n)
        return n.status();
      if (arg == "--threads")
        o.threads = static_cast<unsigned>(*n);
      else
        (arg == "--warmup" ? o.warmup : o.iterations) = *n;
    } else if (arg == "--benchmark") {
      o.benchmark = true;
    } else if (arg == "--profile") {
      o.profile = true;
    } else if (arg == "--info") {
      o.info = true;
    } else if (arg == "--extract") {
      Expected<std::string> v = value();
      if (!v)
        return v.status();
      o.extractDir = *v;
    } else if (arg == "--blas-library") {
      Expected<std::string> v = value();
      if (!v)
        return v.status();
      o.blasLibrary = *v;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (!arg.empty() && arg[0] == '-') {
      return Status::failure("unknown option '" + arg + "'");
    } else if (o.model.empty()) {
      o.model = arg;
    } else {
      return Status::failure("more than one model given ('" + o.model +
                             "' and '" + arg + "')");
    }
  }
  if (o.model.empty())
    return Status::failure("no model given");
  return o;
}

std::string nameList(const Artifact &a, const std::vector<uint32_t> &list) {
  std::string s;
  for (uint32_t b : list)
    s += (s.empty() ? "" : ", ") + a.buffers()[b].name;
  return s;
}

void printInfo(const Artifact &a) {
  std::printf(
      "artifact version %u.%u, target '%s', produced by '%s' from '%s'\n",
      a.formatMajor(), a.formatMinor(), a.target().c_str(),
      a.producer().compilerVersion.c_str(), a.producer().sourceModel.c_str());
  std::printf(
      "%zu buffers (arena %llu bytes), %zu modules, %zu kernels, %zu steps\n",
      a.buffers().size(), (unsigned long long)a.arenaBytes(),
      a.modules().size(), a.kernels().size(), a.steps().size());
  for (uint32_t i = 0; i < a.buffers().size(); ++i) {
    const BufferDesc &b = a.buffers()[i];
    // Caller memory bound to inputs and outputs must meet the kernels'
    // alignment.
    std::string alignment;
    if (b.role == BufferRole::Input || b.role == BufferRole::Output)
      alignment = ", " + std::to_string(a.ioAlignment(i)) + "-byte aligned";
    std::printf("  buffer %u '%s': %s %s, %s%s\n", i, b.name.c_str(),
                dtypeName(b.dtype), formatShape(b.shape).c_str(),
                roleName(b.role), alignment.c_str());
  }
  for (size_t i = 0; i < a.modules().size(); ++i) {
    const ModuleDesc &m = a.modules()[i];
    std::string images;
    for (const ModuleImageDesc &image : m.images)
      images += (images.empty() ? "" : ", ") +
                std::string(moduleFormatName(image.format)) + " (" +
                std::to_string(image.data.size) + " bytes)";
    std::printf("  module %zu (target '%s'): %s\n", i, m.target.c_str(),
                images.c_str());
  }
  for (size_t i = 0; i < a.steps().size(); ++i) {
    const StepDesc &s = a.steps()[i];
    std::printf("  %s%s%s\n", a.describeStep(i).c_str(),
                s.debug.empty() ? "" : ": ", s.debug.c_str());
  }
}

/// Writes every module image of `a` into `dir` (created if missing; its
/// parent must exist) as module<i>.<ext>.
Status extractModules(const Artifact &a, const std::string &dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    return Status::failure("cannot create " + dir + ": " +
                           std::strerror(errno));
  static const char *const extensions[] = {"so",    "ptx", "cubin",
                                           "hsaco", "cl",  "cu"};
  for (size_t i = 0; i < a.modules().size(); ++i)
    for (const ModuleImageDesc &image : a.modules()[i].images) {
      std::string path = dir + "/module" + std::to_string(i) + "." +
                         extensions[static_cast<unsigned>(image.format)];
      std::FILE *f = std::fopen(path.c_str(), "wb");
      if (!f)
        return Status::failure("cannot write " + path + ": " +
                               std::strerror(errno));
      size_t written = std::fwrite(image.data.data, 1, image.data.size, f);
      if (std::fclose(f) != 0 || written != image.data.size)
        return Status::failure("cannot write " + path);
    }
  return Status::success();
}

/// Reads input `i` and checks it against the model's buffer.
Expected<NpyArray> readInput(const Artifact &a, size_t i,
                             const std::string &path) {
  Expected<NpyArray> array = readNpy(path);
  if (!array)
    return array.status();
  const BufferDesc &b = a.buffers()[a.inputs()[i]];
  std::string what = "input " + std::to_string(i) + " ('" + b.name + "')";
  if (array->descr != npyDescr(b.dtype))
    return Status::failure(what + ": " + path + " holds '" + array->descr +
                           "', but the model expects " + dtypeName(b.dtype) +
                           " ('" + npyDescr(b.dtype) + "')");
  if (array->shape != b.shape)
    return Status::failure(what + ": " + path + " has shape " +
                           formatShape(array->shape) +
                           ", but the model expects " + formatShape(b.shape));
  return array;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int benchmark(Session &session, const Options &o) {
  for (long i = 0; i < o.warmup; ++i)
    if (Status s = session.run(); !s.ok())
      return fail(s.message());
  std::vector<double> times;
  for (long i = 0; i < o.iterations; ++i) {
    Expected<double> ms = session.timedRun();
    if (!ms)
      return fail(ms.message());
    times.push_back(*ms);
  }
  std::printf(
      "latency on %s over %ld iterations (%ld warm-up): median %.4f ms, "
      "min %.4f ms\n",
      deviceName(session.device()), o.iterations, o.warmup, median(times),
      *std::min_element(times.begin(), times.end()));
  return 0;
}

int profile(Session &session, const Options &o) {
  for (long i = 0; i < o.warmup; ++i)
    if (Status s = session.run(); !s.ok())
      return fail(s.message());
  const Artifact &a = session.artifact();
  std::vector<std::vector<double>> perStep(a.steps().size());
  for (long i = 0; i < o.iterations; ++i) {
    Expected<std::vector<double>> ms = session.profiledRun();
    if (!ms)
      return fail(ms.message());
    for (size_t j = 0; j < perStep.size(); ++j)
      perStep[j].push_back((*ms)[j]);
  }
  std::vector<std::pair<double, size_t>> order;
  double total = 0;
  for (size_t j = 0; j < perStep.size(); ++j) {
    order.push_back({median(perStep[j]), j});
    total += order.back().first;
  }
  // Slowest first; equal times in plan order.
  std::sort(order.begin(), order.end(), [](auto &x, auto &y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::printf("per-step medians on %s over %ld iterations (%ld warm-up), "
              "summing to %.4f ms:\n",
              deviceName(session.device()), o.iterations, o.warmup, total);
  for (auto [ms, j] : order) {
    const StepDesc &s = a.steps()[j];
    std::printf("  %9.4f ms %5.1f%%  %s%s%s\n", ms,
                total > 0 ? 100.0 * ms / total : 0.0,
                a.describeStep(j).c_str(), s.debug.empty() ? "" : ": ",
                s.debug.c_str());
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Expected<Options> options = parseOptions(argc, argv);
  if (!options) {
    fail(options.message());
    std::fputs(kUsage, stderr);
    return 1;
  }
  const Options &o = *options;

  Expected<Artifact> loaded = Artifact::load(o.model);
  if (!loaded)
    return fail(loaded.message());
  auto artifact = std::make_shared<const Artifact>(loaded.take());
  const Artifact &a = *artifact;
  if (o.info)
    printInfo(a);
  if (!o.extractDir.empty())
    if (Status s = extractModules(a, o.extractDir); !s.ok())
      return fail(s.message());
  // Inspecting alone needs no inputs.
  if ((o.info || !o.extractDir.empty()) && o.inputs.empty())
    return 0;

  if (o.inputs.size() != a.inputs().size())
    return fail("the model takes " + std::to_string(a.inputs().size()) +
                " input(s) (" + nameList(a, a.inputs()) + "), but " +
                std::to_string(o.inputs.size()) + " --input given");
  if (!o.outputs.empty() && o.outputs.size() != a.outputs().size())
    return fail("the model has " + std::to_string(a.outputs().size()) +
                " output(s) (" + nameList(a, a.outputs()) + "), but " +
                std::to_string(o.outputs.size()) + " --output given");
  std::vector<NpyArray> inputs;
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    Expected<NpyArray> array = readInput(a, i, o.inputs[i]);
    if (!array)
      return fail(array.message());
    inputs.push_back(array.take());
  }

  SessionOptions sessionOptions;
  sessionOptions.numThreads = o.threads;
  if (!o.blasLibrary.empty())
    sessionOptions.cublasLibraries = {o.blasLibrary};
  Expected<std::unique_ptr<Session>> session =
      createSession(artifact, o.device.value_or(defaultDevice(a)),
                    sessionOptions);
  if (!session)
    return fail(session.message());
  Session &s = **session;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status st = s.setInput(i, inputs[i].data.data(), inputs[i].data.size());
        !st.ok())
      return fail(st.message());

  if (o.benchmark || o.profile) {
    if (int rc = o.benchmark ? benchmark(s, o) : 0)
      return rc;
    if (int rc = o.profile ? profile(s, o) : 0)
      return rc;
  } else if (Status st = s.run(); !st.ok()) {
    return fail(st.message());
  }

  for (size_t i = 0; i < o.outputs.size(); ++i) {
    const BufferDesc &b = a.buffers()[a.outputs()[i]];
    std::vector<uint8_t> bytes(b.sizeBytes);
    if (Status st = s.getOutput(i, bytes.data(), bytes.size()); !st.ok())
      return fail(st.message());
    if (Status st = writeNpy(o.outputs[i], npyDescr(b.dtype), b.shape,
                             bytes.data(), bytes.size());
        !st.ok())
      return fail(st.message());
  }
  return 0;
}

//===- ThreadPool.cpp - Splits a launch's work items across threads -------===//
//
// This file implements the CPU executor's thread pool: persistent workers
// that wait for a job, each run one contiguous chunk of it, and report back.
// Launches are short and frequent, so the workers are created once per
// session instead of once per launch.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace rong::runtime {

namespace {
/// Chunk `c` of `chunks` over [0, n): the first n % chunks chunks get one
/// extra item.
std::pair<int64_t, int64_t> chunkRange(int64_t n, unsigned chunks, unsigned c) {
  int64_t base = n / chunks, extra = n % chunks;
  int64_t begin = c * base + std::min<int64_t>(c, extra);
  return {begin, begin + base + (int64_t(c) < extra ? 1 : 0)};
}

/// Tells the core that this thread is spinning (x86 `pause`: the sibling
/// hyperthread gets the pipeline, and leaving the loop does not flush it).
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

/// $name as a whole decimal number in [low, high], or none.
std::optional<unsigned> envNumber(const char *name, long low, long high) {
  const char *env = std::getenv(name);
  if (!env)
    return std::nullopt;
  char *end = nullptr;
  long value = std::strtol(env, &end, 10);
  if (end == env || *end != '\0' || value < low || value > high)
    return std::nullopt;
  return static_cast<unsigned>(value);
}
} // namespace

ThreadPool::ThreadPool(unsigned numThreads, unsigned spinMicroseconds)
    : numThreads(std::max(1u, numThreads)),
      spinMicroseconds(spinMicroseconds) {
  // The caller's thread runs chunk 0, so the pool starts one thread fewer.
  for (unsigned w = 1; w < this->numThreads; ++w)
    workers.emplace_back([this, w] { workerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping.store(true, std::memory_order_release);
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

template <typename Ready>
void ThreadPool::waitFor(std::condition_variable &cv, Ready ready) {
  if (spinMicroseconds) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(spinMicroseconds);
    // The clock is read every 64 checks; a check is a load and a pause.
    for (unsigned i = 1;; ++i) {
      if (ready())
        return;
      cpuRelax();
      if (i % 64 == 0) {
        if (std::chrono::steady_clock::now() >= deadline)
          break;
        std::this_thread::yield();
      }
    }
  }
  std::unique_lock<std::mutex> lock(mutex);
  cv.wait(lock, ready);
}

void ThreadPool::workerLoop(unsigned worker) {
  uint64_t seen = 0;
  for (;;) {
    waitFor(wake, [&] {
      return stopping.load(std::memory_order_acquire) ||
             generation.load(std::memory_order_acquire) != seen;
    });
    if (stopping.load(std::memory_order_acquire))
      return;
    seen = generation.load(std::memory_order_acquire);
    if (worker < jobChunks) {
      auto [begin, end] = chunkRange(jobItems, jobChunks, worker);
      (*job)(begin, end);
    }
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_one();
    }
  }
}

void ThreadPool::parallelFor(int64_t n,
                             const std::function<void(int64_t, int64_t)> &fn) {
  if (n <= 0)
    return;
  unsigned chunks = static_cast<unsigned>(std::min<int64_t>(numThreads, n));
  if (chunks == 1) {
    fn(0, n);
    return;
  }
  job = &fn;
  jobItems = n;
  jobChunks = chunks;
  pending.store(numThreads - 1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex);
    generation.fetch_add(1, std::memory_order_release);
  }
  wake.notify_all();
  auto [begin, end] = chunkRange(n, chunks, 0);
  fn(begin, end);
  waitFor(done,
          [&] { return pending.load(std::memory_order_acquire) == 0; });
}

unsigned ThreadPool::defaultThreadCount() {
  if (std::optional<unsigned> value = envNumber("RONG_NUM_THREADS", 1, 4096))
    return *value;
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned ThreadPool::defaultSpinMicroseconds() {
  return envNumber("RONG_SPIN_US", 0, 1000000).value_or(100);
}

} // namespace rong::runtime

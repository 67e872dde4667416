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
#include <cstdlib>

namespace rong::runtime {

namespace {
/// Chunk `c` of `chunks` over [0, n): the first n % chunks chunks get one
/// extra item.
std::pair<int64_t, int64_t> chunkRange(int64_t n, unsigned chunks, unsigned c) {
  int64_t base = n / chunks, extra = n % chunks;
  int64_t begin = c * base + std::min<int64_t>(c, extra);
  return {begin, begin + base + (int64_t(c) < extra ? 1 : 0)};
}
} // namespace

ThreadPool::ThreadPool(unsigned numThreads)
    : numThreads(std::max(1u, numThreads)) {
  // The caller's thread runs chunk 0, so the pool starts one thread fewer.
  for (unsigned w = 1; w < this->numThreads; ++w)
    workers.emplace_back([this, w] { workerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::workerLoop(unsigned worker) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int64_t, int64_t)> *fn;
    int64_t n;
    unsigned chunks;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      fn = job;
      n = jobItems;
      chunks = jobChunks;
    }
    if (worker < chunks) {
      auto [begin, end] = chunkRange(n, chunks, worker);
      (*fn)(begin, end);
      std::lock_guard<std::mutex> lock(mutex);
      if (--pending == 0)
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
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = &fn;
    jobItems = n;
    jobChunks = chunks;
    pending = chunks - 1;
    ++generation;
  }
  wake.notify_all();
  auto [begin, end] = chunkRange(n, chunks, 0);
  fn(begin, end);
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return pending == 0; });
  job = nullptr;
}

unsigned ThreadPool::defaultThreadCount() {
  if (const char *env = std::getenv("RONG_NUM_THREADS")) {
    char *end = nullptr;
    long value = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && value > 0 && value <= 4096)
      return static_cast<unsigned>(value);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace rong::runtime

//===- ThreadPool.h - Splits a launch's work items across threads -*- C++ -*-=//
//
// This file declares the CPU executor's thread pool. A CPU kernel processes a
// range [begin, end) of independent work items, so the pool's only job is to
// cut [0, n) into contiguous ranges, one per thread, and wait for them all.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_THREADPOOL_H
#define RONG_RUNTIME_THREADPOOL_H

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rong::runtime {

class ThreadPool {
public:
  /// A pool of `numThreads` threads in all, the caller's thread included.
  explicit ThreadPool(unsigned numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return numThreads; }

  /// Calls fn(begin, end) on min(size(), n) contiguous, non-empty ranges that
  /// cover [0, n), concurrently, and returns when all have returned. Ranges
  /// differ in length by at most one item.
  void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)> &fn);

  /// $RONG_NUM_THREADS if it is a positive number, else the hardware
  /// concurrency (at least 1).
  static unsigned defaultThreadCount();

private:
  void workerLoop(unsigned worker);

  unsigned numThreads;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  // The job being run: generation counts jobs so a worker runs each once.
  uint64_t generation = 0;
  const std::function<void(int64_t, int64_t)> *job = nullptr;
  int64_t jobItems = 0;
  unsigned jobChunks = 0;
  unsigned pending = 0;
  bool stopping = false;
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_THREADPOOL_H

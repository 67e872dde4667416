//===- ThreadPool.h - Splits a launch's work items across threads -*- C++ -*-=//
//
// This file declares the CPU executor's thread pool. A CPU kernel processes a
// range [begin, end) of independent work items, so the pool's only job is to
// cut [0, n) into contiguous ranges, one per thread, and wait for them all.
// Launches come back to back and last microseconds, so a thread that waits
// (a worker for the next job, the caller for the workers) first spins for a
// while before it sleeps: waking a sleeping thread costs tens of
// microseconds, as much as a whole small launch.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_THREADPOOL_H
#define RONG_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rong::runtime {

class ThreadPool {
public:
  /// A pool of `numThreads` threads in all, the caller's thread included,
  /// whose waiting threads spin for `spinMicroseconds` before they sleep.
  explicit ThreadPool(unsigned numThreads,
                      unsigned spinMicroseconds = defaultSpinMicroseconds());
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return numThreads; }

  /// Calls fn(begin, end) on min(size(), n) contiguous, non-empty ranges that
  /// cover [0, n), concurrently, and returns when all have returned. Ranges
  /// differ in length by at most one item. One caller at a time (a session
  /// runs one request at a time), and `fn` must not call parallelFor.
  void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)> &fn);

  /// $RONG_NUM_THREADS if it is a positive number, else the hardware
  /// concurrency (at least 1).
  static unsigned defaultThreadCount();
  /// $RONG_SPIN_US if it is a number (0 = sleep at once), else 100.
  static unsigned defaultSpinMicroseconds();

private:
  void workerLoop(unsigned worker);
  /// Spins until `ready()` or for spinMicroseconds, then sleeps on `cv`
  /// until `ready()`.
  template <typename Ready>
  void waitFor(std::condition_variable &cv, Ready ready);

  unsigned numThreads;
  unsigned spinMicroseconds;
  std::vector<std::thread> workers;
  // Sleeping threads wait on `wake` (workers) and `done` (the caller) under
  // `mutex`; the counters they wait for are changed under it too, or
  // followed by taking it, so that no wake-up is lost.
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  // The job being run, written before `generation` is bumped. Every worker
  // acknowledges every job (`pending` counts them all), so the next job
  // cannot overwrite these fields while a worker may still read them.
  const std::function<void(int64_t, int64_t)> *job = nullptr;
  int64_t jobItems = 0;
  unsigned jobChunks = 0;
  std::atomic<uint64_t> generation{0};
  std::atomic<unsigned> pending{0};
  std::atomic<bool> stopping{false};
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_THREADPOOL_H

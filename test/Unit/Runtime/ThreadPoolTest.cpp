//===- ThreadPoolTest.cpp - The CPU executor's thread pool ----------------===//
//
// Tests that parallelFor covers [0, n) exactly once in contiguous ranges, that
// the ranges really run on different threads, that back-to-back jobs each run
// once whether waiting threads spin or sleep (and with fewer ranges than
// threads), and the defaults read from the environment.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ThreadPool.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cstdlib>
#include <set>

using namespace rong::runtime;

namespace {

TEST(ThreadPoolTest, CoversEveryItemOnce) {
  ThreadPool pool(4);
  for (int64_t n : {0, 1, 3, 4, 5, 1000, 1001}) {
    std::vector<std::atomic<int>> hits(n);
    std::mutex m;
    std::vector<std::pair<int64_t, int64_t>> ranges;
    pool.parallelFor(n, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        ++hits[i];
      std::lock_guard<std::mutex> lock(m);
      ranges.push_back({begin, end});
    });
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[i], 1) << "item " << i << " of " << n;
    EXPECT_EQ(ranges.size(), size_t(std::min<int64_t>(n, 4)));
    for (auto [begin, end] : ranges) {
      EXPECT_LT(begin, end);
      EXPECT_LE(end - begin, n / 4 + 1);
    }
  }
}

TEST(ThreadPoolTest, RangesRunConcurrently) {
  // Each range waits until all four have started: this only finishes if the
  // pool runs them on four threads at once.
  ThreadPool pool(4);
  std::atomic<int> started{0};
  std::set<std::thread::id> ids;
  std::mutex m;
  pool.parallelFor(4, [&](int64_t, int64_t) {
    ++started;
    while (started.load() < 4)
      std::this_thread::yield();
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(ids.size(), 4u);
}

TEST(ThreadPoolTest, ManyJobsInARow) {
  ThreadPool pool(3);
  std::atomic<int64_t> sum{0};
  for (int job = 0; job < 2000; ++job)
    pool.parallelFor(7, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        sum += i;
    });
  EXPECT_EQ(sum.load(), 2000 * 21);
}

TEST(ThreadPoolTest, JobsInARowSpinningOrSleeping) {
  // Spinning workers see each job within microseconds; sleeping ones (no
  // spin) must be woken. Jobs of 2 items on 4 threads leave two workers
  // idle, which still acknowledge each job before the next one is posted.
  for (unsigned spin : {0u, 100u, 1000000u}) {
    ThreadPool pool(4, spin);
    std::atomic<int64_t> sum{0};
    for (int job = 0; job < 3000; ++job) {
      int64_t n = job % 3 == 0 ? 2 : 9;
      pool.parallelFor(n, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          sum += i + 1;
      });
    }
    EXPECT_EQ(sum.load(), 1000 * 3 + 2000 * 45) << "spin " << spin << " us";
  }
}

TEST(ThreadPoolTest, DefaultSpinReadsTheEnvironment) {
  setenv("RONG_SPIN_US", "0", 1);
  EXPECT_EQ(ThreadPool::defaultSpinMicroseconds(), 0u);
  setenv("RONG_SPIN_US", "250", 1);
  EXPECT_EQ(ThreadPool::defaultSpinMicroseconds(), 250u);
  setenv("RONG_SPIN_US", "-3", 1);
  EXPECT_EQ(ThreadPool::defaultSpinMicroseconds(), 100u);
  unsetenv("RONG_SPIN_US");
  EXPECT_EQ(ThreadPool::defaultSpinMicroseconds(), 100u);
}

TEST(ThreadPoolTest, DefaultThreadCountReadsTheEnvironment) {
  setenv("RONG_NUM_THREADS", "5", 1);
  EXPECT_EQ(ThreadPool::defaultThreadCount(), 5u);
  setenv("RONG_NUM_THREADS", "zero", 1);
  EXPECT_GE(ThreadPool::defaultThreadCount(), 1u);
  EXPECT_EQ(ThreadPool::defaultThreadCount(),
            std::max(1u, std::thread::hardware_concurrency()));
  unsetenv("RONG_NUM_THREADS");
}

} // namespace

//===- Status.h - Errors of the Rong runtime --------------------*- C++ -*-===//
//
// This file declares Status and Expected<T>, the runtime's error types. The
// runtime links no LLVM, so it cannot use llvm::Error; these two keep the same
// discipline (an error is a message that names what failed and where) with
// plain C++17.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_STATUS_H
#define RONG_RUNTIME_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace rong::runtime {

/// The outcome of an operation that returns nothing: success, or a failure
/// with a message meant for the person who runs the model.
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status failure(std::string message) {
    Status s;
    s.failed = true;
    s.msg = std::move(message);
    return s;
  }

  bool ok() const { return !failed; }
  const std::string &message() const { return msg; }

private:
  Status() = default;
  bool failed = false;
  std::string msg;
};

/// A value or the failure that prevented it.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value(std::move(value)) {}
  Expected(Status failure) : error(std::move(failure)) {
    assert(!error.ok() &&
           "an Expected built from a Status must hold a failure");
  }

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }

  T &operator*() { return *value; }
  const T &operator*() const { return *value; }
  T *operator->() { return &*value; }
  const T *operator->() const { return &*value; }

  /// The failure; only meaningful when !ok().
  const Status &status() const { return error; }
  const std::string &message() const { return error.message(); }

  /// Moves the value out.
  T take() { return std::move(*value); }

private:
  std::optional<T> value;
  Status error = Status::success();
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_STATUS_H

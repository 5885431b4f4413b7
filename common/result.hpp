#pragma once
// Result<T>: a value or an error for boundary failures (decode, config, files).
// Domain outcomes ("does not fit") are plain values elsewhere; this type is for the
// places where input from outside can be wrong. The message gains context as it climbs:
//   return Error{ErrorCode::invalid_spec, "services.yaml:3:5: unknown key 'replica'"};
#include <string>
#include <utility>
#include <variant>

namespace berth {

// internal: a bug caught at a boundary (a solve whose placement breaks a hard rule), so
// that a server answers 500 instead of storing or serving it.
enum class ErrorCode { invalid_argument, invalid_spec, io, decode, internal };

struct Error {
  ErrorCode code = ErrorCode::invalid_argument;
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const T& operator*() const { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace berth

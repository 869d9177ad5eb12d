#pragma once
// A small expected-style result for the I/O path: a value or an error, never an exception.
#include <utility>
#include <variant>

#include "protocol/wire/decode_error.h"

namespace kgate::protocol {

template <class T, class E>
class [[nodiscard]] BasicResult {
public:
    BasicResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    BasicResult(E error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { return std::get<1>(v_); }

private:
    std::variant<T, E> v_;
};

// Decoding: a value or the field and offset that failed.
template <class T>
using Result = BasicResult<T, DecodeError>;

}  // namespace kgate::protocol

#pragma once
// The outcome of an operator action (admin API): a value, or an error with a code the admin
// API maps onto gRPC status codes, and a message naming the field or node at fault.
#include <string>

#include "protocol/wire/result.h"

namespace kgate::gateway {

enum class ControlErrc { invalid_argument, not_found, failed_precondition, internal };

struct ControlError {
    ControlErrc code = ControlErrc::internal;
    std::string message;
};

template <class T>
using ControlResult = protocol::BasicResult<T, ControlError>;

}  // namespace kgate::gateway

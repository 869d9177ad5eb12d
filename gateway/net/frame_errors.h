#pragma once
// error_code values for frames that cannot be accepted, so the I/O path reports them like
// any other failure.
#include <boost/system/error_code.hpp>

namespace kgate::gateway {

enum class FrameErrc {
    too_large = 1,    // size prefix above the configured maximum
    negative_size,    // size prefix below zero
};

const boost::system::error_category& frame_category();

inline boost::system::error_code make_error_code(FrameErrc e) { return {static_cast<int>(e), frame_category()}; }

}  // namespace kgate::gateway

template <>
struct boost::system::is_error_code_enum<kgate::gateway::FrameErrc> : std::true_type {};

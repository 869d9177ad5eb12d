#pragma once
#include <compare>
#include <cstdint>
#include <string>

namespace kgate::gateway {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;

    std::string to_string() const { return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port) : host + ":" + std::to_string(port); }
    friend auto operator<=>(const HostPort&, const HostPort&) = default;
};

}  // namespace kgate::gateway

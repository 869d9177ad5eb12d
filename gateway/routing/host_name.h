#pragma once
// Checks a host an operator typed (a DNS name, an IPv4 or an IPv6 address) before it is
// told to clients or dialled: a typo must be refused, not published.
#include <optional>
#include <string>
#include <string_view>

namespace kgate::gateway {

// Why `host` is not usable as a host name or address; nullopt when it is.
std::optional<std::string> host_problem(std::string_view host);

}  // namespace kgate::gateway

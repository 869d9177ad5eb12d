#include "gateway/routing/host_name.h"

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace kgate::gateway {
namespace {

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::optional<std::string> host_problem(std::string_view host) {
    if (host.empty()) return "is empty";
    if (host.size() > 253) return fmt::format("is {} characters long, more than a host name may have (253)", host.size());
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(std::string(host), ec);
    if (!ec) return std::nullopt;
    if (host.find(':') != std::string_view::npos) return fmt::format("\"{}\" is not a valid IPv6 address", host);
    std::size_t label = 0;
    for (std::size_t i = 0; i < host.size(); ++i) {
        const char c = host[i];
        if (c == '.') {
            if (label == 0) return fmt::format("\"{}\" has an empty label", host);
            label = 0;
            continue;
        }
        if (!is_label_char(c)) return fmt::format("\"{}\" contains '{}', which no host name may", host, c);
        if (++label > 63) return fmt::format("\"{}\" has a label longer than 63 characters", host);
        if (c == '-' && (label == 1 || i + 1 == host.size() || host[i + 1] == '.')) {
            return fmt::format("\"{}\": a label may not start or end with '-'", host);
        }
    }
    return std::nullopt;
}

}  // namespace kgate::gateway

#include "port_map.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace kgate::bench {
namespace {

std::map<std::uint16_t, std::uint16_t>& port_map() {
    static std::map<std::uint16_t, std::uint16_t> map;
    return map;
}

bool parse_port(std::string_view text, std::uint16_t& out) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return false;
    out = static_cast<std::uint16_t>(value);
    return true;
}

// librdkafka's own connect callback does the same connect(); only the port may differ.
int mapped_connect(int fd, const sockaddr* addr, int len, const char*, void*) {
    sockaddr_in target{};
    if (addr->sa_family == AF_INET && static_cast<std::size_t>(len) >= sizeof target) {
        std::memcpy(&target, addr, sizeof target);
        if (auto it = port_map().find(ntohs(target.sin_port)); it != port_map().end()) {
            target.sin_port = htons(it->second);
            addr = reinterpret_cast<const sockaddr*>(&target);
        }
    }
    if (connect(fd, addr, static_cast<socklen_t>(len)) == -1 && errno != EINPROGRESS) return errno;
    return 0;
}

}  // namespace

bool install_port_map(rd_kafka_conf_t* conf, std::string_view spec) {
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const auto item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        const auto eq = item.find('=');
        std::uint16_t from = 0;
        std::uint16_t to = 0;
        if (eq == std::string_view::npos || !parse_port(item.substr(0, eq), from) || !parse_port(item.substr(eq + 1), to)) {
            std::fprintf(stderr, "bad port mapping '%s' (want FROM=TO,...)\n", std::string(item).c_str());
            return false;
        }
        port_map()[from] = to;
    }
    if (!port_map().empty()) rd_kafka_conf_set_connect_cb(conf, mapped_connect);
    return true;
}

}  // namespace kgate::bench

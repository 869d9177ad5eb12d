#pragma once
// One client connection as the admin API lists it; a copy taken on the session's own thread.
#include <cstdint>
#include <string>

namespace kgate::gateway {

struct ConnectionInfo {
    std::uint64_t id = 0;
    std::string client;               // the client's address
    bool bootstrap = true;            // came in on the bootstrap listener ...
    std::int32_t listener_node = -1;  // ... or on this broker's
    std::uint16_t listener_port = 0;
    std::string upstream;             // the broker connection's address, "" before connecting
    std::int32_t upstream_node = -1;  // -1: a bootstrap server that is not a known broker
    std::uint64_t bytes_from_client = 0;
    std::uint64_t bytes_to_client = 0;
    std::uint64_t requests = 0;
    double age_seconds = 0;
    bool draining = false;
};

}  // namespace kgate::gateway

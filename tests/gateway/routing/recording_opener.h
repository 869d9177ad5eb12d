#pragma once
// A ListenerOpener for routing tests: records the ports opened and closed, refuses the ports
// in `refused` as a busy port would be.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gateway/routing/routing_table.h"

namespace kgate::gateway::testing {

class RecordingOpener : public ListenerOpener {
public:
    std::set<std::uint16_t> refused;
    std::vector<std::uint16_t> opened;
    std::vector<std::uint16_t> closed;

    bool open_broker_listener(std::uint16_t port, std::int32_t, std::string& error) override {
        if (refused.contains(port)) {
            error = "Address already in use";
            return false;
        }
        opened.push_back(port);
        return true;
    }
    void close_broker_listener(std::uint16_t port) override { closed.push_back(port); }
};

}  // namespace kgate::gateway::testing

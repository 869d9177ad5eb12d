#include "gateway/kop/controller_pin.h"

#include <cstddef>

namespace kgate::gateway {
namespace {

bool should_replace(std::int32_t said, std::int32_t controller) { return said >= 0 && said != controller; }

}  // namespace

bool pin_controller_at(std::span<std::byte> frame, std::size_t offset, std::int32_t controller) {
    if (offset > frame.size() || frame.size() - offset < 4) return false;
    auto* at = frame.data() + offset;
    const auto said = static_cast<std::int32_t>((std::to_integer<std::uint32_t>(at[0]) << 24) | (std::to_integer<std::uint32_t>(at[1]) << 16) |
                                                (std::to_integer<std::uint32_t>(at[2]) << 8) | std::to_integer<std::uint32_t>(at[3]));
    if (!should_replace(said, controller)) return false;
    const auto v = static_cast<std::uint32_t>(controller);
    at[0] = static_cast<std::byte>(v >> 24);
    at[1] = static_cast<std::byte>(v >> 16);
    at[2] = static_cast<std::byte>(v >> 8);
    at[3] = static_cast<std::byte>(v);
    return true;
}

bool pin_controller(protocol::messages::DescribeClusterResponse& response) {
    using Broker = protocol::messages::DescribeClusterResponse::DescribeClusterBroker;
    const auto controller = stable_controller(std::span<const Broker>(response.brokers), &Broker::broker_id);
    if (!controller || !should_replace(response.controller_id, *controller)) return false;
    response.controller_id = *controller;
    return true;
}

}  // namespace kgate::gateway

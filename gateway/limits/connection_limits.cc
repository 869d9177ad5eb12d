#include "gateway/limits/connection_limits.h"

#include <fmt/format.h>

#include "gateway/log/rate_limited_log.h"

namespace kgate::gateway {

asio::ip::address counted_address(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

ConnectionLimits::Verdict ConnectionLimits::admit(const asio::ip::address& client) {
    if (max_total_ != 0 && open_ >= max_total_) return Verdict::over_total;
    auto& count = per_address_[client];
    if (max_per_address_ != 0 && count >= max_per_address_) return Verdict::over_per_address;
    ++count;
    ++open_;
    return Verdict::admitted;
}

void ConnectionLimits::release(const asio::ip::address& client) {
    if (const auto it = per_address_.find(client); it != per_address_.end()) {
        if (--it->second == 0) per_address_.erase(it);
        --open_;
    }
    if (on_release_) on_release_();
}

std::size_t ConnectionLimits::open_from(const asio::ip::address& client) const {
    const auto it = per_address_.find(client);
    return it == per_address_.end() ? 0 : it->second;
}

std::string ConnectionLimits::refusal_message(Verdict verdict, const tcp::endpoint& client, std::uint16_t port) const {
    const auto address = counted_address(client.address());
    if (verdict == Verdict::over_total) {
        return fmt::format("connection from {}:{} to port {} refused: kgate holds {} client connections (max-connections {})",
                           address.to_string(), client.port(), port, open_, max_total_);
    }
    return fmt::format("connection from {}:{} to port {} refused: {} connections from {} already (max-connections-per-address {})",
                       address.to_string(), client.port(), port, open_from(address), address.to_string(), max_per_address_);
}

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : control_(other.control_), limits_(other.limits_), client_(other.client_) {
    other.limits_ = nullptr;
}

ConnectionSlot::~ConnectionSlot() {
    if (limits_ == nullptr || !limits_->releases_open()) return;
    asio::post(*control_, [limits = limits_, client = client_] { limits->release(client); });
}

std::optional<ConnectionSlot> admit_or_close(ConnectionLimits& limits, asio::io_context& control, tcp::socket& socket,
                                             std::uint16_t port, GatewayMetrics& metrics) {
    static RateLimitedLog refusals_log;
    error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) {  // gone before it was looked at
        socket.close(ec);
        return std::nullopt;
    }
    const auto address = counted_address(peer.address());
    const auto verdict = limits.admit(address);
    if (verdict == ConnectionLimits::Verdict::admitted) return ConnectionSlot(control, limits, address);
    metrics.on_connection_refused(verdict == ConnectionLimits::Verdict::over_total ? ConnectionRefusal::max_connections
                                                                                     : ConnectionRefusal::max_connections_per_address);
    refusals_log.warn(limits.refusal_message(verdict, peer, port));
    socket.close(ec);
    return std::nullopt;
}

}  // namespace kgate::gateway

#pragma once
// How many client connections kgate holds, in all and from each client address, against
// max-connections and max-connections-per-address.
//
// Why no lock: every connection is accepted on the control loop, so the table lives there.
// admit() runs in the accept loop; a connection ends on its worker thread, and its slot posts
// the release back to the control loop (one post per connection, none per request). A worker
// never touches the table, and a slot frees one trip through the control loop after its
// connection closed.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/asio.h"

namespace kgate::gateway {

class ConnectionLimits {
public:
    enum class Verdict { admitted, over_total, over_per_address };

    // 0 for either: no limit of that kind (connections are still counted).
    ConnectionLimits(std::size_t max_total, std::size_t max_per_address) : max_total_(max_total), max_per_address_(max_per_address) {}

    // Control loop only. Counts the connection when it is admitted.
    Verdict admit(const asio::ip::address& client);
    void release(const asio::ip::address& client);
    // Called after each release, on the control loop (the accept loops waiting for descriptors).
    void on_release(std::function<void()> hook) { on_release_ = std::move(hook); }

    std::size_t open() const { return open_; }
    std::size_t open_from(const asio::ip::address& client) const;
    std::size_t addresses() const { return per_address_.size(); }
    std::size_t max_total() const { return max_total_; }
    std::size_t max_per_address() const { return max_per_address_; }

    // The line logged (rate-limited) when a connection from `client` to `port` is refused.
    std::string refusal_message(Verdict verdict, const tcp::endpoint& client, std::uint16_t port) const;

    // Once the control loop has stopped, slots no longer post their release to it: it may be
    // destroyed before connections left on a worker are.
    void stop_releases() { releases_open_.store(false); }
    bool releases_open() const { return releases_open_.load(); }

private:
    std::size_t max_total_;
    std::size_t max_per_address_;
    std::size_t open_ = 0;
    std::unordered_map<asio::ip::address, std::uint32_t> per_address_;  // only addresses with connections
    std::function<void()> on_release_;
    std::atomic<bool> releases_open_{true};
};

// The address a connection is counted under: an IPv4 client reaching an IPv6 listener counts as
// its IPv4 address.
asio::ip::address counted_address(const asio::ip::address& a);

// One admitted connection's place in the limits; given back on the control loop when the slot
// is destroyed (on the connection's worker thread). Move-only.
class ConnectionSlot {
public:
    ConnectionSlot(asio::io_context& control, ConnectionLimits& limits, asio::ip::address client)
        : control_(&control), limits_(&limits), client_(client) {}
    ConnectionSlot(ConnectionSlot&& other) noexcept;
    ConnectionSlot& operator=(ConnectionSlot&&) = delete;
    ConnectionSlot(const ConnectionSlot&) = delete;
    ~ConnectionSlot();

private:
    asio::io_context* control_;
    ConnectionLimits* limits_;  // null once moved from
    asio::ip::address client_;
};

// In the accept loop, right after accepting `socket` on `port`: the connection's slot, or
// nullopt when a limit refuses it, in which case the socket is closed before anything is read,
// counted and logged (rate-limited).
std::optional<ConnectionSlot> admit_or_close(ConnectionLimits& limits, asio::io_context& control, tcp::socket& socket,
                                             std::uint16_t port, GatewayMetrics& metrics);

}  // namespace kgate::gateway

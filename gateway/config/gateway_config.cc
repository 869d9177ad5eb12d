#include "gateway/config/gateway_config.h"

#include "gateway/routing/own_address.h"
#include "gateway/plaintext_listeners/plaintext_config.h"
#include "gateway/cluster_mode/cluster_config.h"
#include "gateway/sni/sni_config.h"

#include <charconv>
#include <filesystem>
#include <utility>
#include <map>
#include <set>

#include <fmt/format.h>

namespace kgate::gateway {
namespace {

constexpr std::uint16_t kDefaultBrokerPorts = 100;

// Each override names a node once; an upstream must not be kgate itself; a pinned listen port
// must be a broker port no other listener has.
void validate_overrides(const GatewayConfig& c, std::vector<std::string>& problems) {
    std::set<std::int32_t> seen;
    std::map<std::uint16_t, std::int32_t> pinned;  // listen-port -> node
    for (const auto& o : c.overrides) {
        if (!seen.insert(o.node_id).second) problems.emplace_back(fmt::format("overrides: node {} appears twice", o.node_id));
        if (!o.address && !o.listen_port && !c.route_tls.contains(o.node_id)) {
            problems.emplace_back(fmt::format("overrides: node {} needs upstream, listen-port, tls or any of them", o.node_id));
        }
        if (o.address) {
            if (o.address->host.empty() || o.address->port == 0) problems.emplace_back(fmt::format("overrides: node {} needs host:port", o.node_id));
            if (auto own = own_listener(c, {}, *o.address)) {
                problems.emplace_back(fmt::format("overrides: node {}'s upstream {} is {}: kgate would connect to itself", o.node_id,
                                                  o.address->to_string(), *own));
            }
        }
        if (!o.listen_port) continue;
        const std::uint16_t port = *o.listen_port;
        const auto where = fmt::format("overrides: node {}'s listen-port {}", o.node_id, port);
        if (port == c.listen.port) {
            problems.emplace_back(fmt::format("{} is the bootstrap port (listen)", where));
        } else if (port < c.first_broker_port() || port > c.last_broker_port()) {
            problems.emplace_back(fmt::format("{} is outside broker-ports {}-{}; widen broker-ports to include it", where,
                                              c.first_broker_port(), c.last_broker_port()));
        }
        if (c.http_listen && c.http_listen->port == port) problems.emplace_back(fmt::format("{} is also http-listen's port", where));
        if (c.admin_listen && c.admin_listen->port == port) problems.emplace_back(fmt::format("{} is also admin-listen's port", where));
        if (const auto [it, fresh] = pinned.emplace(port, o.node_id); !fresh) {
            problems.emplace_back(fmt::format("{} is also node {}'s: two brokers cannot share a gateway port", where, it->second));
        }
    }
}

// Client-facing TLS: the settings that go together. Whether the files hold what they should is
// checked when they are loaded (gateway/tls/server_tls_context.cc), at start-up and reload.
void validate_tls(const ClientTls& t, std::vector<std::string>& problems) {
    if (!t.enabled()) {
        if (!t.key_file.empty() || !t.client_ca_file.empty() || t.client_auth != ClientAuth::none) {
            problems.emplace_back("tls-key, tls-client-auth, tls-client-ca: given without tls-certificate; set tls-certificate to serve TLS");
        }
        return;
    }
    if (t.key_file.empty()) problems.emplace_back("tls-key: required with tls-certificate (the PEM private key of its leaf certificate)");
    if (t.client_auth != ClientAuth::none && t.client_ca_file.empty()) {
        problems.emplace_back(fmt::format("tls-client-ca: required with tls-client-auth {} (the PEM CA bundle client certificates are verified against)",
                                          client_auth_name(t.client_auth)));
    }
    if (t.client_auth == ClientAuth::none && !t.client_ca_file.empty()) {
        problems.emplace_back("tls-client-ca: given with tls-client-auth none; set tls-client-auth to optional or required, or drop it");
    }
    if (t.handshake_timeout.count() <= 0) problems.emplace_back("tls-handshake-timeout-ms: must be positive");
}

// Upstream TLS: the cluster's default and each route's own, their files read and checked now,
// so that start-up and check-config name every problem.
void validate_upstream_tls(const GatewayConfig& c, std::vector<std::string>& problems) {
    const auto now = std::chrono::system_clock::now();
    for (auto& p : upstream_tls_problems(c.upstream_tls, "upstream-tls", now)) problems.push_back(std::move(p));
    for (const auto& [node, tls] : c.route_tls) {
        for (auto& p : upstream_tls_problems(tls, fmt::format("overrides: node {}: tls", node), now)) problems.push_back(std::move(p));
    }
}

// Connection limits and timeouts. A check runs at least as often as the shortest of them, so
// each must leave it room: at least 100 ms.
void validate_limits(const GatewayConfig& c, std::vector<std::string>& problems) {
    constexpr long kShortest = 100;
    const auto at_least = [&](const char* name, std::chrono::milliseconds v, bool zero_is_off) {
        if (v.count() < 0) problems.emplace_back(fmt::format("{}: {} must not be negative", name, v.count()));
        else if (v.count() == 0 && !zero_is_off) problems.emplace_back(fmt::format("{}: must be positive", name));
        else if (v.count() != 0 && v.count() < kShortest) problems.emplace_back(fmt::format("{}: {} is under {} ms", name, v.count(), kShortest));
    };
    at_least("connections-max-idle-ms", c.idle_timeout, true);
    at_least("frame-grace-ms", c.frame_grace, false);
    at_least("upstream-request-timeout-ms", c.upstream_request_timeout, true);
    at_least("upstream-timeout-margin-ms", c.upstream_timeout_margin, false);
    if (c.max_connections != 0 && c.max_connections_per_address > c.max_connections) {
        problems.emplace_back(fmt::format("max-connections-per-address: {} is above max-connections {}", c.max_connections_per_address,
                                          c.max_connections));
    }
}

}  // namespace

bool parse_port(std::string_view s, std::uint16_t& port) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) return false;
    port = static_cast<std::uint16_t>(v);
    return true;
}

std::optional<HostPort> parse_host_port(std::string_view text, std::string& error) {
    HostPort hp;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            error = fmt::format("\"{}\" is not [address]:port", text);
            return std::nullopt;
        }
        hp.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            error = fmt::format("\"{}\" is not host:port", text);
            return std::nullopt;
        }
        hp.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
        if (hp.host.find(':') != std::string::npos) {
            error = fmt::format("\"{}\": write IPv6 addresses as [address]:port", text);
            return std::nullopt;
        }
    }
    if (!parse_port(port, hp.port)) {
        error = fmt::format("\"{}\": port must be 1-65535", text);
        return std::nullopt;
    }
    return hp;
}

bool parse_http_listen(std::string_view text, std::optional<HostPort>& out, std::string& error) {
    if (text.empty() || text == "off") {
        out.reset();
        return true;
    }
    auto hp = parse_host_port(text, error);
    if (!hp) return false;
    out = std::move(*hp);
    return true;
}

bool parse_broker_kind(std::string_view text, BrokerKind& out) {
    if (text == "kafka") out = BrokerKind::kafka;
    else if (text == "kop") out = BrokerKind::kop;
    else return false;
    return true;
}

bool parse_client_auth(std::string_view text, ClientAuth& out) {
    if (text == "none") out = ClientAuth::none;
    else if (text == "optional") out = ClientAuth::optional;
    else if (text == "required") out = ClientAuth::required;
    else return false;
    return true;
}

std::string_view client_auth_name(ClientAuth auth) {
    switch (auth) {
        case ClientAuth::optional: return "optional";
        case ClientAuth::required: return "required";
        case ClientAuth::none: break;
    }
    return "none";
}

bool parse_port_range(std::string_view text, std::uint16_t& first, std::uint16_t& last, std::string& error) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos || !parse_port(text.substr(0, dash), first) || !parse_port(text.substr(dash + 1), last)) {
        error = fmt::format("\"{}\" is not a port range FROM-TO (ports 1-65535)", text);
        return false;
    }
    if (first > last) {
        error = fmt::format("port range \"{}\" is backwards", text);
        return false;
    }
    return true;
}

const UpstreamOverride* GatewayConfig::override_for(std::int32_t node_id) const {
    for (const auto& o : overrides) {
        if (o.node_id == node_id) return &o;
    }
    return nullptr;
}

std::uint16_t GatewayConfig::first_broker_port() const {
    if (broker_port_first != 0) return broker_port_first;
    return listen.port < 65535 ? static_cast<std::uint16_t>(listen.port + 1) : listen.port;
}

std::uint16_t GatewayConfig::last_broker_port() const {
    if (broker_port_last != 0) return broker_port_last;
    const unsigned last = unsigned{first_broker_port()} + kDefaultBrokerPorts - 1;
    return static_cast<std::uint16_t>(std::min(last, 65535u));
}

std::vector<std::string> validate(const GatewayConfig& c) {
    std::vector<std::string> problems;
    if (c.upstream.empty()) problems.emplace_back("upstream: at least one bootstrap server HOST:PORT is required");
    for (const auto& u : c.upstream) {
        if (auto own = own_listener(c, {}, u)) {
            problems.emplace_back(fmt::format("upstream: {} is {}: kgate would connect to itself", u.to_string(), *own));
        }
    }
    if (c.listen.host.empty()) problems.emplace_back("listen: the host is empty");
    if (c.client_host().empty() || c.client_host() == "0.0.0.0" || c.client_host() == "::") {
        problems.emplace_back(fmt::format(
            "advertised-host: clients cannot connect to \"{}\"; set the address clients should use", c.client_host()));
    }
    if ((c.broker_port_first == 0) != (c.broker_port_last == 0)) problems.emplace_back("broker-ports: give both ends of the range");
    if (c.first_broker_port() <= c.listen.port && c.listen.port <= c.last_broker_port()) {
        problems.emplace_back(fmt::format("broker-ports: {}-{} contains the bootstrap port {}", c.first_broker_port(),
                                          c.last_broker_port(), c.listen.port));
    }
    if (c.http_listen) {
        if (c.http_listen->host.empty()) problems.emplace_back("http-listen: the host is empty");
        // A broker port the HTTP listener holds is skipped like any busy port; the bootstrap one cannot be.
        if (c.http_listen->port == c.listen.port) {
            problems.emplace_back(fmt::format("http-listen: port {} is the bootstrap port", c.http_listen->port));
        }
    }
    if (c.admin_listen) {
        if (c.admin_listen->host.empty()) problems.emplace_back("admin-listen: the host is empty");
        if (c.admin_listen->port == c.listen.port) {
            problems.emplace_back(fmt::format("admin-listen: port {} is the bootstrap port", c.admin_listen->port));
        }
        if (c.http_listen && c.http_listen->port == c.admin_listen->port) {
            problems.emplace_back(fmt::format("admin-listen: port {} is also http-listen's", c.admin_listen->port));
        }
    }
    if (c.admin_tls_cert.empty() != c.admin_tls_key.empty()) {
        problems.emplace_back("admin-tls-cert, admin-tls-key: give both (a PEM certificate chain and its private key) or neither");
    }
    for (const auto& [name, path] : {std::pair{"admin-token-file", &c.admin_token_file}, std::pair{"admin-tls-cert", &c.admin_tls_cert},
                                     std::pair{"admin-tls-key", &c.admin_tls_key}}) {
        std::error_code ec;
        if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
            problems.emplace_back(fmt::format("{}: \"{}\" is not a readable file", name, *path));
        }
    }
    if (c.workers < 1 || c.workers > 256) problems.emplace_back(fmt::format("workers: {} is not between 1 and 256", c.workers));
    if (c.max_frame_size < 1024 || c.max_frame_size > 1024u * 1024 * 1024) {
        problems.emplace_back(fmt::format("max-frame-size: {} is not between 1 KiB and 1 GiB", c.max_frame_size));
    }
    constexpr std::size_t kMiB = 1024 * 1024;
    for (const auto& [name, value] : {std::pair{"request-memory-budget", c.request_memory_budget},
                                      std::pair{"response-memory-budget", c.response_memory_budget}}) {
        if (value != 0 && (value < kMiB || value > 1024 * 1024 * kMiB)) {
            problems.emplace_back(fmt::format("{}: {} is neither 0 (off) nor between 1 MiB and 1 TiB", name, value));
        }
    }
    if (c.pre_auth_max_frame_size != 0 && c.pre_auth_max_frame_size < 1024) {
        problems.emplace_back(fmt::format("pre-auth-max-frame-size: {} is neither 0 (off) nor at least 1 KiB", c.pre_auth_max_frame_size));
    }
    if (c.max_inflight < 1) problems.emplace_back("max-inflight: must be at least 1");
    if (c.connect_timeout.count() <= 0) problems.emplace_back("connect-timeout-ms: must be positive");
    if (c.drain_timeout.count() < 0) problems.emplace_back("drain-timeout-ms: must not be negative");
    if (c.metadata_refresh.count() < 100) problems.emplace_back("metadata-refresh-ms: must be at least 100");
    validate_limits(c, problems);
    validate_tls(c.tls, problems);
    validate_sni(c, problems);
    validate_plaintext_listeners(c, problems);
    validate_cluster_listen(c, problems);
    validate_upstream_tls(c, problems);
    if (c.state_dir.empty()) problems.emplace_back("state-dir: must not be empty");
    if (!c.kop_topic_prefix.empty() && !c.kop_topic_prefix.ends_with('/')) {
        problems.emplace_back(fmt::format("kop-topic-prefix: \"{}\" must end with '/' (KoP writes tenant/namespace/topic)", c.kop_topic_prefix));
    }
    static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.contains(c.log_level)) problems.emplace_back(fmt::format("log-level: \"{}\" is not one of trace, debug, info, warn, error, critical, off", c.log_level));
    const auto& sasl = c.upstream_sasl;
    if (sasl.enabled()) {
        if (sasl.mechanism != "PLAIN" && sasl.mechanism != "SCRAM-SHA-256" && sasl.mechanism != "SCRAM-SHA-512") {
            problems.emplace_back(fmt::format(
                "upstream-sasl.mechanism: \"{}\" is not supported for kgate's own broker connections; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
                sasl.mechanism));
        }
        if (sasl.username.empty()) problems.emplace_back("upstream-sasl.username: required with a mechanism");
        if (sasl.password_file.empty()) problems.emplace_back("upstream-sasl.password-file: required with a mechanism");
        else if (sasl.password.empty()) problems.emplace_back(fmt::format("upstream-sasl.password-file: \"{}\" holds no password", sasl.password_file));
    } else if (!sasl.username.empty() || !sasl.password_file.empty()) {
        problems.emplace_back("upstream-sasl: a username or password file without a mechanism; set upstream-sasl.mechanism: PLAIN");
    }
    validate_overrides(c, problems);
    return problems;
}

}  // namespace kgate::gateway

#include "gateway/plaintext_listeners/plaintext_config.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "gateway/plaintext_listeners/plaintext_ports.h"

namespace kgate::gateway {
namespace {

constexpr PlaintextSettingInfo kSettings[] = {
    {"plaintext-listen",
     "HOST:PORT of a plaintext bootstrap listener beside the TLS ones; each broker's plaintext port is its TLS port shifted as this "
     "port is from --listen's"},
    {"plaintext-advertised-host", "the host clients of the plaintext listeners are told (default: --plaintext-listen's host)"},
};

using PortSpan = std::pair<int, int>;  // first, last, inclusive

bool overlap(PortSpan a, PortSpan b) { return a.first <= b.second && b.first <= a.second; }

std::string describe(PortSpan s) { return s.first == s.second ? fmt::format("port {}", s.first) : fmt::format("ports {}-{}", s.first, s.second); }

// The plaintext ports must be free of every other listener's, whatever the hosts: listeners
// are closed by port.
void check_clashes(const GatewayConfig& c, int shift, std::vector<std::string>& problems) {
    const PortSpan tls_bootstrap{c.listen.port, c.listen.port};
    const PortSpan tls_brokers{c.first_broker_port(), c.last_broker_port()};
    const PortSpan bootstrap{tls_bootstrap.first + shift, tls_bootstrap.second + shift};
    const PortSpan brokers{tls_brokers.first + shift, tls_brokers.second + shift};
    if (brokers.first < 1 || brokers.second > 65535) {
        problems.push_back(fmt::format("plaintext-listen: broker-ports {}-{} shifted by {} would be {}-{}, outside 1-65535", tls_brokers.first,
                                       tls_brokers.second, shift, brokers.first, brokers.second));
        return;
    }
    for (const auto& [name, theirs] : {std::pair{"the bootstrap listener's", tls_bootstrap}, std::pair{"broker-ports'", tls_brokers}}) {
        for (const auto& [what, ours] : {std::pair{"the plaintext bootstrap", bootstrap}, std::pair{"the plaintext broker listeners", brokers}}) {
            if (overlap(ours, theirs)) {
                problems.push_back(fmt::format("plaintext-listen: {} ({}) would take {} {}", what, describe(ours), name, describe(theirs)));
            }
        }
    }
    for (const auto& [name, listener] : {std::pair{"http-listen", &c.http_listen}, std::pair{"admin-listen", &c.admin_listen},
                                         std::pair{"sni-listen", &c.sni.listen}, std::pair{"cluster-listen", &c.cluster_listen}}) {
        if (!*listener) continue;
        const int port = (*listener)->port;
        if (overlap({port, port}, bootstrap) || overlap({port, port}, brokers)) {
            problems.push_back(fmt::format("plaintext-listen: port {}, {}'s, is among the plaintext ports ({} and {})", port, name,
                                           describe(bootstrap), describe(brokers)));
        }
    }
}

}  // namespace

std::span<const PlaintextSettingInfo> plaintext_settings_known() { return kSettings; }

bool is_plaintext_setting(std::string_view name) {
    return std::any_of(std::begin(kSettings), std::end(kSettings), [&](const PlaintextSettingInfo& s) { return name == s.name; });
}

void apply_plaintext_setting(GatewayConfig& c, std::string_view name, const std::string& value, const std::string& where,
                             std::vector<std::string>& problems) {
    auto& p = c.plaintext;
    if (name == "plaintext-listen") {
        std::string error;
        if (value.empty() || value == "off") p.listen.reset();
        else if (auto hp = parse_host_port(value, error)) p.listen = *hp;
        else problems.push_back(fmt::format("{}: {}", where, error));
    } else if (name == "plaintext-advertised-host") {
        p.advertised_host = value;
    }
}

void validate_plaintext_listeners(const GatewayConfig& c, std::vector<std::string>& problems) {
    const auto& p = c.plaintext;
    if (!p.enabled()) {
        if (!p.advertised_host.empty()) problems.emplace_back("plaintext-advertised-host: given without plaintext-listen");
        return;
    }
    if (!c.tls.enabled()) {
        problems.emplace_back("plaintext-listen: the bootstrap and broker listeners are plaintext already (no tls-certificate); "
                              "plaintext-listen adds plaintext listeners beside TLS ones");
    } else if (c.sni.tls_listeners == TlsListeners::sni_only) {
        problems.emplace_back("plaintext-listen: with tls-listeners sni-only the bootstrap and broker listeners are plaintext already; "
                              "use tls-listeners all to serve them over TLS and plaintext-listen beside them");
    }
    if (p.listen->host.empty()) problems.emplace_back("plaintext-listen: the host is empty");
    else if (p.told_host() == "0.0.0.0" || p.told_host() == "::") {
        problems.push_back(fmt::format("plaintext-advertised-host: clients cannot connect to \"{}\"; set the address clients of the "
                                       "plaintext listeners should use", p.told_host()));
    }
    check_clashes(c, plaintext_port_shift(c), problems);
}

}  // namespace kgate::gateway

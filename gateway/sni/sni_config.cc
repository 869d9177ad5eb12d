#include "gateway/sni/sni_config.h"

#include <algorithm>

#include <fmt/format.h>

#include "gateway/tls/sni_names.h"

namespace kgate::gateway {
namespace {

constexpr SniSettingInfo kSettings[] = {
    {"sni-listen", "HOST:PORT of one TLS port serving bootstrap and every broker, told apart by SNI (needs --tls-certificate)"},
    {"sni-advertised-port", "the port clients are told for every SNI name (default: --sni-listen's; e.g. 443 behind a TLS-passthrough load balancer)"},
    {"sni-bootstrap-name", "the server name that reaches bootstrap on --sni-listen (e.g. kafka.example.com)"},
    {"sni-broker-pattern", "the server name of each broker, with {node} for its node id (e.g. broker-{node}.kafka.example.com)"},
    {"tls-listeners", "with --tls-certificate: all (default: the bootstrap and broker listeners serve TLS only) or sni-only (they stay plaintext)"},
};

// The SNI port must not be one kgate already listens on.
void check_port_clashes(const GatewayConfig& c, std::uint16_t port, std::vector<std::string>& problems) {
    if (port == c.listen.port) problems.push_back(fmt::format("sni-listen: port {} is the bootstrap port", port));
    if (c.first_broker_port() <= port && port <= c.last_broker_port()) {
        problems.push_back(fmt::format("sni-listen: port {} is in broker-ports {}-{}", port, c.first_broker_port(), c.last_broker_port()));
    }
    if (c.http_listen && c.http_listen->port == port) problems.push_back(fmt::format("sni-listen: port {} is also http-listen's", port));
    if (c.admin_listen && c.admin_listen->port == port) problems.push_back(fmt::format("sni-listen: port {} is also admin-listen's", port));
}

}  // namespace

std::span<const SniSettingInfo> sni_settings_known() { return kSettings; }

bool is_sni_setting(std::string_view name) {
    return std::any_of(std::begin(kSettings), std::end(kSettings), [&](const SniSettingInfo& s) { return name == s.name; });
}

void apply_sni_setting(GatewayConfig& c, std::string_view name, const std::string& value, const std::string& where,
                       std::vector<std::string>& problems) {
    auto& sni = c.sni;
    if (name == "sni-listen") {
        std::string error;
        if (value.empty() || value == "off") sni.listen.reset();
        else if (auto hp = parse_host_port(value, error)) sni.listen = *hp;
        else problems.push_back(fmt::format("{}: {}", where, error));
    } else if (name == "sni-advertised-port") {
        if (!parse_port(value, sni.advertised_port)) problems.push_back(fmt::format("{}: \"{}\" is not a port (1-65535)", where, value));
    } else if (name == "sni-bootstrap-name") {
        sni.bootstrap_name = value;
    } else if (name == "sni-broker-pattern") {
        sni.broker_pattern = value;
    } else if (name == "tls-listeners") {
        if (value == "all") sni.tls_listeners = TlsListeners::all;
        else if (value == "sni-only") sni.tls_listeners = TlsListeners::sni_only;
        else problems.push_back(fmt::format("{}: \"{}\" is neither all nor sni-only", where, value));
    }
}

void validate_sni(const GatewayConfig& c, std::vector<std::string>& problems) {
    const auto& sni = c.sni;
    if (!sni.enabled()) {
        if (sni.tls_listeners == TlsListeners::sni_only) {
            problems.emplace_back("tls-listeners: sni-only needs sni-listen (without it no listener would serve TLS)");
        }
        if (sni.advertised_port != 0 || !sni.bootstrap_name.empty() || !sni.broker_pattern.empty()) {
            problems.emplace_back("sni-advertised-port, sni-bootstrap-name, sni-broker-pattern: given without sni-listen; set sni-listen to serve SNI");
        }
        return;
    }
    if (!c.tls.enabled()) {
        problems.emplace_back("sni-listen: needs tls-certificate and tls-key (the SNI listener serves TLS only; one wildcard certificate "
                              "such as *.kafka.example.com covers every name)");
    }
    if (sni.listen->host.empty()) problems.emplace_back("sni-listen: the host is empty");
    check_port_clashes(c, sni.listen->port, problems);
    if (sni.bootstrap_name.empty() || sni.broker_pattern.empty()) {
        problems.emplace_back("sni-bootstrap-name, sni-broker-pattern: both are required with sni-listen");
        return;
    }
    auto names = SniNames::parse(sni.bootstrap_name, sni.broker_pattern);
    if (!names) problems.insert(problems.end(), names.error().begin(), names.error().end());
}

}  // namespace kgate::gateway

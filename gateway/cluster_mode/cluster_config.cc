#include "gateway/cluster_mode/cluster_config.h"

#include <fmt/format.h>

namespace kgate::gateway {

void apply_cluster_listen(GatewayConfig& c, const std::string& value, const std::string& where, std::vector<std::string>& problems) {
    std::string error;
    if (value.empty() || value == "off") c.cluster_listen.reset();
    else if (auto hp = parse_host_port(value, error)) c.cluster_listen = *hp;
    else problems.push_back(fmt::format("{}: {}", where, error));
}

void validate_cluster_listen(const GatewayConfig& c, std::vector<std::string>& problems) {
    if (!c.cluster_listen) return;
    const auto port = c.cluster_listen->port;
    const auto clash = [&](const char* what) { problems.push_back(fmt::format("cluster-listen: port {} is also {}", port, what)); };
    if (c.cluster_listen->host.empty()) problems.emplace_back("cluster-listen: the host is empty");
    if (port == c.listen.port) clash("the bootstrap port");
    if (c.first_broker_port() <= port && port <= c.last_broker_port()) clash("in broker-ports");
    if (c.sni.listen && c.sni.listen->port == port) clash("sni-listen's");
    if (c.http_listen && c.http_listen->port == port) clash("http-listen's");
    if (c.admin_listen && c.admin_listen->port == port) clash("admin-listen's");
}

}  // namespace kgate::gateway

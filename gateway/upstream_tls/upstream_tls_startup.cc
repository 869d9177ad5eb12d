#include "gateway/upstream_tls/upstream_tls_startup.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/upstream_tls/upstream_tls_contexts.h"

namespace kgate::gateway {
namespace {

std::string insecure(std::string_view where) {
    return fmt::format("{}: insecure-skip-verify: brokers' certificates are NOT verified; anyone on the path can pose as a broker "
                       "and read every record",
                       where);
}

}  // namespace

std::vector<std::string> upstream_tls_lines(const GatewayConfig& config) {
    std::vector<std::string> lines;
    if (config.upstream_tls.enabled || !config.route_tls.empty()) lines.push_back("upstream TLS: " + describe(config.upstream_tls));
    for (const auto& [node, tls] : config.route_tls) lines.push_back(fmt::format("upstream TLS for broker {}: {}", node, describe(tls)));
    return lines;
}

std::vector<std::string> upstream_tls_warnings(const GatewayConfig& config) {
    std::vector<std::string> warnings;
    if (config.upstream_tls.enabled && !config.upstream_tls.verify) warnings.push_back(insecure("upstream-tls"));
    for (const auto& [node, tls] : config.route_tls) {
        if (tls.enabled && !tls.verify) warnings.push_back(insecure(fmt::format("overrides: node {}: tls", node)));
    }
    return warnings;
}

void start_upstream_tls(const GatewayConfig& config, UpstreamTlsContexts& contexts) {
    for (const auto& line : upstream_tls_lines(config)) spdlog::info("{}", line);
    for (const auto& warning : upstream_tls_warnings(config)) spdlog::warn("{}", warning);
    std::vector<const UpstreamTls*> in_use{&config.upstream_tls};
    for (const auto& [node, tls] : config.route_tls) in_use.push_back(&tls);
    for (const auto* tls : in_use) {
        std::string error;
        // Checked when the configuration was read; a file changed since is said now and at each connection.
        if (tls->enabled && !contexts.get(*tls, error)) spdlog::error("upstream TLS: {}", error);
    }
}

}  // namespace kgate::gateway

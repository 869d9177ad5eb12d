#include "gateway/sni/sni_report.h"

#include <cstdint>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace kgate::gateway {

void log_sni_listener(const SniRouter& router) {
    const auto& names = router.names();
    spdlog::info("SNI listener on {} (TLS): bootstrap {}, brokers {}, clients told port {}", router.listen().to_string(), names.bootstrap_name(),
                 names.pattern(), router.told_port());
}

std::optional<std::string> sni_uncovered_warning(const ServerTlsContext& tls, const SniSettings& settings) {
    if (!settings.enabled()) return std::nullopt;
    auto names = SniNames::parse(settings.bootstrap_name, settings.broker_pattern);
    if (!names) return std::nullopt;
    // A certificate covers a pattern's names alike when it covers the shortest and the longest
    // (a wildcard stands for one whole label, whatever its length).
    std::vector<std::string> hosts{names->bootstrap_name()};
    for (const std::int32_t node : {0, std::numeric_limits<std::int32_t>::max()}) hosts.push_back(*names->name_for(node));
    std::vector<std::string> uncovered;
    for (const auto& host : hosts) {
        if (!tls.covers(host)) uncovered.push_back(host);
    }
    if (uncovered.empty()) return std::nullopt;
    return fmt::format("SNI: the certificate ({}) does not cover {} ({} \"{}\", {} \"{}\"): clients that check host names (Java, "
                       "librdkafka and Go do by default) will refuse the SNI listener there; a wildcard for the brokers' domain covers "
                       "every broker name",
                       tls.certificate().subject, fmt::join(uncovered, ", "), kSniBootstrapNameSetting, settings.bootstrap_name,
                       kSniBrokerPatternSetting, settings.broker_pattern);
}

}  // namespace kgate::gateway

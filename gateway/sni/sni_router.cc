#include "gateway/sni/sni_router.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kgate::gateway {

std::shared_ptr<const SniRouter> SniRouter::from(const SniSettings& settings) {
    if (!settings.enabled()) return nullptr;
    auto names = SniNames::parse(settings.bootstrap_name, settings.broker_pattern);
    if (!names) throw std::invalid_argument(fmt::format("{}", fmt::join(names.error(), "; ")));
    return std::make_shared<const SniRouter>(std::move(*names), *settings.listen, settings.told_port());
}

SniChoice SniRouter::choose(const char* server_name, const RoutingSnapshot& routes) const {
    if (server_name == nullptr || *server_name == '\0') return {SniRefusal::no_sni, {}};
    const SniTarget target = names_.match(server_name);
    switch (target.kind) {
        case SniTarget::Kind::bootstrap: return {SniRefusal::none, target};
        case SniTarget::Kind::broker:
            if (routes.find(target.node_id) == nullptr) return {SniRefusal::unknown_broker, target};
            return {SniRefusal::none, target};
        case SniTarget::Kind::unknown: break;
    }
    return {SniRefusal::unknown_name, target};
}

std::optional<HostPort> SniRouter::address_for(std::int32_t node_id) const {
    auto name = names_.name_for(node_id);
    if (!name) return std::nullopt;
    return HostPort{std::move(*name), told_port_};
}

}  // namespace kgate::gateway

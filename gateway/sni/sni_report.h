#pragma once
// What operators are told about the SNI listener: its start-up line, and a warning when the
// certificate does not cover its names (clients that check host names would refuse them).
#include <optional>
#include <string>

#include "gateway/sni/sni_router.h"
#include "gateway/sni/sni_settings.h"
#include "gateway/tls/server_tls_context.h"

namespace kgate::gateway {

void log_sni_listener(const SniRouter& router);

// nullopt when SNI is off, its names do not parse (validation says why) or the certificate
// covers the bootstrap name and every broker name (a wildcard for the pattern's domain does).
std::optional<std::string> sni_uncovered_warning(const ServerTlsContext& tls, const SniSettings& settings);

}  // namespace kgate::gateway

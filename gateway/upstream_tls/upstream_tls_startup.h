#pragma once
// What start-up and check-config say about upstream TLS: the cluster default, each node's own,
// and a warning for every place where brokers' certificates are not verified.
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway {

// One line per setting in use: "upstream TLS: on (CA ...)", "upstream TLS for broker 2: ...".
std::vector<std::string> upstream_tls_lines(const GatewayConfig& config);
// One warning per setting with insecure-skip-verify.
std::vector<std::string> upstream_tls_warnings(const GatewayConfig& config);

class UpstreamTlsContexts;

// Logs both at start-up (the warnings as warnings) and loads every setting in use into
// `contexts`, so that the files' expiry gauges exist before the first connection.
void start_upstream_tls(const GatewayConfig& config, UpstreamTlsContexts& contexts);

}  // namespace kgate::gateway

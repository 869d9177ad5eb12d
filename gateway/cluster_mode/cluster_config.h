#pragma once
// cluster-listen: read from the YAML file or the flag, and checked against the other listeners.
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway {

// Sets cluster-listen from its text ("" or "off": none); a bad value is appended to `problems`.
void apply_cluster_listen(GatewayConfig& config, const std::string& value, const std::string& where, std::vector<std::string>& problems);

// Its port must be none of kgate's other listeners'.
void validate_cluster_listen(const GatewayConfig& config, std::vector<std::string>& problems);

}  // namespace kgate::gateway

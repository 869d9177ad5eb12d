#pragma once
// The SNI listener's settings read from the YAML file and flags, and checked as a whole.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway {

struct SniSettingInfo {
    const char* name;  // the YAML key; the flag is --name
    const char* help;
};
// sni-listen, sni-advertised-port, sni-bootstrap-name, sni-broker-pattern, tls-listeners.
std::span<const SniSettingInfo> sni_settings_known();
bool is_sni_setting(std::string_view name);

// Sets one of them from its text; a bad value is appended to `problems`, naming `where`.
void apply_sni_setting(GatewayConfig& config, std::string_view name, const std::string& value, const std::string& where,
                       std::vector<std::string>& problems);

// Every problem with the SNI settings and how they sit with the others, each naming its setting.
void validate_sni(const GatewayConfig& config, std::vector<std::string>& problems);

}  // namespace kgate::gateway

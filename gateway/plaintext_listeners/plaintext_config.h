#pragma once
// The plaintext listeners' settings read from the YAML file and flags, and checked as a whole.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway {

struct PlaintextSettingInfo {
    const char* name;  // the YAML key; the flag is --name
    const char* help;
};
// plaintext-listen, plaintext-advertised-host.
std::span<const PlaintextSettingInfo> plaintext_settings_known();
bool is_plaintext_setting(std::string_view name);

// Sets one of them from its text; a bad value is appended to `problems`, naming `where`.
void apply_plaintext_setting(GatewayConfig& config, std::string_view name, const std::string& value, const std::string& where,
                             std::vector<std::string>& problems);

// Every problem with them and how they sit with the other listeners, each naming its setting.
void validate_plaintext_listeners(const GatewayConfig& config, std::vector<std::string>& problems);

}  // namespace kgate::gateway

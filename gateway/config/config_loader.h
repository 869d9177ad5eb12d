#pragma once
// Fills a GatewayConfig from a YAML file and from command-line flags.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway {

// Flags as given on the command line: unset ones leave the file's or default value.
struct ConfigFlags {
    std::optional<std::string> config_file;
    std::optional<std::string> upstream;  // comma-separated HOST:PORT list
    std::optional<std::string> listen;
    std::optional<std::string> broker_ports;
    std::optional<std::string> advertised_host;
    std::optional<std::string> state_dir;
    std::optional<std::string> log_level;
    std::optional<int> workers;
    std::optional<std::size_t> max_frame_size;
    std::optional<std::size_t> request_memory_budget;
    std::optional<std::size_t> response_memory_budget;
    std::optional<std::size_t> pre_auth_max_frame_size;
    std::optional<long> connect_timeout_ms;
    std::optional<long> drain_timeout_ms;
    std::optional<long> metadata_refresh_ms;
    std::optional<std::string> http_listen;  // HOST:PORT, or "" / "off"
    std::optional<std::string> admin_listen;  // HOST:PORT, or "" / "off"
    std::optional<std::string> admin_token_file;
    std::optional<std::string> admin_tls_cert;
    std::optional<std::string> admin_tls_key;
    std::optional<std::string> tls_certificate;
    std::optional<std::string> tls_key;
    std::optional<std::string> tls_client_auth;  // none, optional, required
    std::optional<std::string> tls_client_ca;
    std::optional<long> tls_handshake_timeout_ms;
    std::optional<std::string> upstream_sasl_mechanism;
    std::optional<std::string> upstream_sasl_username;
    std::optional<std::string> upstream_sasl_password_file;
    std::optional<std::string> broker_kind;  // "kafka" or "kop"
    std::optional<std::string> kop_topic_prefix;
    // Connection limits and timeouts by setting name (max-connections, connections-max-idle-ms...).
    std::map<std::string, long long> limits;
    // The SNI listener's settings by name (sni-listen, tls-listeners...: gateway/sni/sni_config.h).
    std::map<std::string, std::string> sni;
    // The plaintext listeners beside TLS ones (plaintext-listen...: gateway/plaintext_listeners/).
    std::map<std::string, std::string> plaintext;
    std::optional<std::string> cluster_listen;  // HOST:PORT, or "" / "off"
};

// Applies the YAML file (if any), then the flags. Every problem found is appended to
// `problems` (naming the file, key or flag); the config is only usable when none were.
GatewayConfig load_config(const ConfigFlags& flags, std::vector<std::string>& problems);

}  // namespace kgate::gateway

#include "gateway/config/config_loader.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "gateway/plaintext_listeners/plaintext_config.h"
#include "gateway/cluster_mode/cluster_config.h"
#include "gateway/sni/sni_config.h"
#include "gateway/config/upstream_tls_yaml.h"
#include "gateway/config/yaml_scalar.h"

namespace kgate::gateway {
namespace {

std::vector<HostPort> parse_upstream_list(const std::string& text, const std::string& where, std::vector<std::string>& problems) {
    std::vector<HostPort> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
            std::string error;
            if (auto hp = parse_host_port(item, error)) out.push_back(std::move(*hp));
            else problems.push_back(fmt::format("{}: {}", where, error));
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

// A secret kept in a file (so it is never on a command line or in the YAML): the whole file,
// without the line break editors leave at its end.
bool read_secret_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("\"{}\" cannot be read", path);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return true;
}

// One `overrides` entry: node-id, and upstream, listen-port, tls or any of them.
// Its tls, when given, goes to `tls`.
std::optional<UpstreamOverride> parse_override(const YAML::Node& item, const std::string& where, std::optional<UpstreamTls>& tls,
                                               std::vector<std::string>& problems) {
    if (!item.IsMap() || !item["node-id"] || (!item["upstream"] && !item["listen-port"] && !item["tls"])) {
        problems.push_back(fmt::format("{}: each entry needs node-id, and upstream, listen-port, tls or any of them", where));
        return std::nullopt;
    }
    UpstreamOverride o;
    if (!scalar(item["node-id"], where + ".node-id", o.node_id, problems)) return std::nullopt;
    bool ok = true;
    for (const auto& field : item) {
        const auto name = field.first.as<std::string>();
        if (name != "node-id" && name != "upstream" && name != "listen-port" && name != "tls") {
            problems.push_back(fmt::format("{}: node {}: unknown setting \"{}\" (known: node-id, upstream, listen-port, tls)", where, o.node_id, name));
            ok = false;
        }
    }
    if (item["upstream"]) {
        std::string addr;
        std::string error;
        if (!scalar(item["upstream"], where + ".upstream", addr, problems)) ok = false;
        else if (auto hp = parse_host_port(addr, error)) o.address = std::move(*hp);
        else {
            problems.push_back(fmt::format("{}: node {}: upstream: {}", where, o.node_id, error));
            ok = false;
        }
    }
    if (item["listen-port"]) {
        int port = 0;
        if (!scalar(item["listen-port"], where + ".listen-port", port, problems)) ok = false;
        else if (port < 1 || port > 65535) {
            problems.push_back(fmt::format("{}: node {}: listen-port {} is outside 1-65535", where, o.node_id, port));
            ok = false;
        } else {
            o.listen_port = static_cast<std::uint16_t>(port);
        }
    }
    if (item["tls"]) {
        UpstreamTls parsed;
        if (parse_upstream_tls(item["tls"], fmt::format("{}: node {}: tls", where, o.node_id), parsed, problems)) tls = parsed;
        else ok = false;
    }
    if (!ok) return std::nullopt;
    return o;
}

// Connection limits and timeouts: whole numbers, 0 meaning "no limit" or "never" where the
// setting allows it (validate() says which do not). Negative values are named here, before
// they could wrap around in an unsigned setting.
bool limit_setting(const std::string& name) {
    static const std::set<std::string> names = {"max-connections", "max-connections-per-address", "connections-max-idle-ms",
                                                "frame-grace-ms", "frame-min-bytes-per-second", "upstream-request-timeout-ms",
                                                "upstream-timeout-margin-ms"};
    return names.contains(name);
}

void apply_limit(GatewayConfig& c, const std::string& name, long long n, const std::string& where, std::vector<std::string>& problems) {
    if (n < 0) {
        problems.push_back(fmt::format("{}: {} must not be negative", where, n));
        return;
    }
    const auto ms = std::chrono::milliseconds(n);
    if (name == "max-connections") c.max_connections = static_cast<std::size_t>(n);
    else if (name == "max-connections-per-address") c.max_connections_per_address = static_cast<std::size_t>(n);
    else if (name == "connections-max-idle-ms") c.idle_timeout = ms;
    else if (name == "frame-grace-ms") c.frame_grace = ms;
    else if (name == "frame-min-bytes-per-second") c.frame_min_rate = static_cast<std::size_t>(n);
    else if (name == "upstream-request-timeout-ms") c.upstream_request_timeout = ms;
    else if (name == "upstream-timeout-margin-ms") c.upstream_timeout_margin = ms;
}

void apply_client_auth(GatewayConfig& c, const std::string& text, const std::string& where, std::vector<std::string>& problems) {
    if (!parse_client_auth(text, c.tls.client_auth)) {
        problems.push_back(fmt::format("{}: \"{}\" is not one of none, optional, required", where, text));
    }
}

void apply_yaml(GatewayConfig& c, const std::string& file, std::vector<std::string>& problems) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file);
    } catch (const YAML::Exception& e) {
        problems.push_back(fmt::format("{}: {}", file, e.what()));
        return;
    }
    if (!root.IsMap()) {
        if (!root.IsNull()) problems.push_back(fmt::format("{}: the top level must be a mapping of settings", file));
        return;
    }
    static const std::set<std::string> known = {"upstream", "listen", "broker-ports", "advertised-host", "state-dir", "log-level",
                                                "workers", "max-frame-size", "max-inflight", "connect-timeout-ms",
                                                "drain-timeout-ms", "metadata-refresh-ms", "overrides", "http-listen",
                                                "admin-listen", "admin-token-file", "admin-tls-cert", "admin-tls-key",
                                                "upstream-sasl", "broker-kind", "kop-topic-prefix", "max-connections",
                                                "max-connections-per-address", "connections-max-idle-ms", "frame-grace-ms",
                                                "frame-min-bytes-per-second", "upstream-request-timeout-ms",
                                                "upstream-timeout-margin-ms", "request-memory-budget", "response-memory-budget",
                                                "pre-auth-max-frame-size", "tls-certificate", "tls-key", "tls-client-auth",
                                                "tls-client-ca", "tls-handshake-timeout-ms",
                                                "upstream-tls", "cluster-listen"};
    for (const auto& kv : root) {
        const auto key = kv.first.as<std::string>();
        const std::string where = fmt::format("{}: {}", file, key);
        const YAML::Node& v = kv.second;
        if (!known.contains(key) && !is_sni_setting(key) && !is_plaintext_setting(key)) {
            problems.push_back(fmt::format("{}: unknown setting \"{}\"", file, key));
            continue;
        }
        std::string s;
        if (is_sni_setting(key)) {
            if (v.IsNull()) apply_sni_setting(c, key, "", where, problems);
            else if (scalar(v, where, s, problems)) apply_sni_setting(c, key, s, where, problems);
        } else if (is_plaintext_setting(key)) {
            if (v.IsNull()) apply_plaintext_setting(c, key, "", where, problems);
            else if (scalar(v, where, s, problems)) apply_plaintext_setting(c, key, s, where, problems);
        } else if (key == "upstream") {
            if (v.IsSequence()) {
                c.upstream.clear();
                for (const auto& item : v) {
                    if (scalar(item, where, s, problems)) {
                        auto list = parse_upstream_list(s, where, problems);
                        c.upstream.insert(c.upstream.end(), list.begin(), list.end());
                    }
                }
            } else if (scalar(v, where, s, problems)) {
                c.upstream = parse_upstream_list(s, where, problems);
            }
        } else if (key == "listen") {
            std::string error;
            if (scalar(v, where, s, problems)) {
                if (auto hp = parse_host_port(s, error)) c.listen = *hp;
                else problems.push_back(fmt::format("{}: {}", where, error));
            }
        } else if (key == "broker-ports") {
            std::string error;
            if (scalar(v, where, s, problems) && !parse_port_range(s, c.broker_port_first, c.broker_port_last, error)) {
                problems.push_back(fmt::format("{}: {}", where, error));
            }
        } else if (key == "http-listen") {
            std::string error;
            if (v.IsNull()) c.http_listen.reset();  // "http-listen:" with no value
            else if (scalar(v, where, s, problems) && !parse_http_listen(s, c.http_listen, error)) {
                problems.push_back(fmt::format("{}: {}", where, error));
            }
        } else if (key == "admin-listen") {
            std::string error;
            if (v.IsNull()) c.admin_listen.reset();
            else if (scalar(v, where, s, problems) && !parse_http_listen(s, c.admin_listen, error)) {
                problems.push_back(fmt::format("{}: {}", where, error));
            }
        } else if (key == "cluster-listen") {
            if (v.IsNull()) c.cluster_listen.reset();
            else if (scalar(v, where, s, problems)) apply_cluster_listen(c, s, where, problems);
        } else if (key == "admin-token-file") {
            scalar(v, where, c.admin_token_file, problems);
        } else if (key == "admin-tls-cert") {
            scalar(v, where, c.admin_tls_cert, problems);
        } else if (key == "admin-tls-key") {
            scalar(v, where, c.admin_tls_key, problems);
        } else if (key == "tls-certificate") {
            scalar(v, where, c.tls.certificate_file, problems);
        } else if (key == "tls-key") {
            scalar(v, where, c.tls.key_file, problems);
        } else if (key == "tls-client-ca") {
            scalar(v, where, c.tls.client_ca_file, problems);
        } else if (key == "tls-client-auth") {
            if (scalar(v, where, s, problems)) apply_client_auth(c, s, where, problems);
        } else if (key == "tls-handshake-timeout-ms") {
            long ms = 0;
            if (scalar(v, where, ms, problems)) c.tls.handshake_timeout = std::chrono::milliseconds(ms);
        } else if (key == "upstream-tls") {
            parse_upstream_tls(v, where, c.upstream_tls, problems);
        } else if (key == "broker-kind") {
            if (scalar(v, where, s, problems) && !parse_broker_kind(s, c.broker_kind)) {
                problems.push_back(fmt::format("{}: \"{}\" is neither kafka nor kop", where, s));
            }
        } else if (key == "kop-topic-prefix") {
            if (v.IsNull()) c.kop_topic_prefix.clear();
            else scalar(v, where, c.kop_topic_prefix, problems);
        } else if (key == "advertised-host") {
            scalar(v, where, c.advertised_host, problems);
        } else if (key == "state-dir") {
            scalar(v, where, c.state_dir, problems);
        } else if (key == "log-level") {
            scalar(v, where, c.log_level, problems);
        } else if (key == "workers") {
            scalar(v, where, c.workers, problems);
        } else if (key == "max-frame-size") {
            scalar(v, where, c.max_frame_size, problems);
        } else if (key == "request-memory-budget") {
            scalar(v, where, c.request_memory_budget, problems);
        } else if (key == "response-memory-budget") {
            scalar(v, where, c.response_memory_budget, problems);
        } else if (key == "pre-auth-max-frame-size") {
            scalar(v, where, c.pre_auth_max_frame_size, problems);
        } else if (key == "max-inflight") {
            scalar(v, where, c.max_inflight, problems);
        } else if (key == "connect-timeout-ms" || key == "drain-timeout-ms" || key == "metadata-refresh-ms") {
            long ms = 0;
            if (scalar(v, where, ms, problems)) {
                auto& target = key == "connect-timeout-ms" ? c.connect_timeout : key == "drain-timeout-ms" ? c.drain_timeout : c.metadata_refresh;
                target = std::chrono::milliseconds(ms);
            }
        } else if (limit_setting(key)) {
            long long n = 0;
            if (scalar(v, where, n, problems)) apply_limit(c, key, n, where, problems);
        } else if (key == "upstream-sasl") {
            if (!v.IsMap()) {
                problems.push_back(fmt::format("{}: must be a mapping of mechanism, username and password-file", where));
                continue;
            }
            for (const auto& field : v) {
                const auto name = field.first.as<std::string>();
                const std::string at = where + "." + name;
                if (name == "mechanism") scalar(field.second, at, c.upstream_sasl.mechanism, problems);
                else if (name == "username") scalar(field.second, at, c.upstream_sasl.username, problems);
                else if (name == "password-file") scalar(field.second, at, c.upstream_sasl.password_file, problems);
                else problems.push_back(fmt::format("{}: unknown setting \"{}\" (mechanism, username, password-file)", where, name));
            }
        } else if (key == "overrides") {
            if (!v.IsSequence()) {
                problems.push_back(fmt::format("{}: must be a list of {{node-id, upstream, listen-port, tls}}", where));
                continue;
            }
            for (const auto& item : v) {
                std::optional<UpstreamTls> tls;
                auto o = parse_override(item, where, tls, problems);
                if (!o) continue;
                if (tls) c.route_tls[o->node_id] = *tls;
                c.overrides.push_back(std::move(*o));
            }
        }
    }
}

}  // namespace

GatewayConfig load_config(const ConfigFlags& f, std::vector<std::string>& problems) {
    GatewayConfig c;
    if (f.config_file) apply_yaml(c, *f.config_file, problems);
    if (f.upstream) c.upstream = parse_upstream_list(*f.upstream, "--upstream", problems);
    if (f.listen) {
        std::string error;
        if (auto hp = parse_host_port(*f.listen, error)) c.listen = *hp;
        else problems.push_back("--listen: " + error);
    }
    if (f.broker_ports) {
        std::string error;
        if (!parse_port_range(*f.broker_ports, c.broker_port_first, c.broker_port_last, error)) problems.push_back("--broker-ports: " + error);
    }
    if (f.http_listen) {
        std::string error;
        if (!parse_http_listen(*f.http_listen, c.http_listen, error)) problems.push_back("--http-listen: " + error);
    }
    if (f.admin_listen) {
        std::string error;
        if (!parse_http_listen(*f.admin_listen, c.admin_listen, error)) problems.push_back("--admin-listen: " + error);
    }
    if (f.admin_token_file) c.admin_token_file = *f.admin_token_file;
    if (f.admin_tls_cert) c.admin_tls_cert = *f.admin_tls_cert;
    if (f.admin_tls_key) c.admin_tls_key = *f.admin_tls_key;
    if (f.tls_certificate) c.tls.certificate_file = *f.tls_certificate;
    if (f.tls_key) c.tls.key_file = *f.tls_key;
    if (f.tls_client_ca) c.tls.client_ca_file = *f.tls_client_ca;
    if (f.tls_client_auth) apply_client_auth(c, *f.tls_client_auth, "--tls-client-auth", problems);
    if (f.tls_handshake_timeout_ms) c.tls.handshake_timeout = std::chrono::milliseconds(*f.tls_handshake_timeout_ms);
    if (f.advertised_host) c.advertised_host = *f.advertised_host;
    if (f.broker_kind && !parse_broker_kind(*f.broker_kind, c.broker_kind)) {
        problems.push_back(fmt::format("--broker-kind: \"{}\" is neither kafka nor kop", *f.broker_kind));
    }
    if (f.kop_topic_prefix) c.kop_topic_prefix = *f.kop_topic_prefix;
    if (f.state_dir) c.state_dir = *f.state_dir;
    if (f.log_level) c.log_level = *f.log_level;
    if (f.workers) c.workers = *f.workers;
    if (f.max_frame_size) c.max_frame_size = *f.max_frame_size;
    if (f.request_memory_budget) c.request_memory_budget = *f.request_memory_budget;
    if (f.response_memory_budget) c.response_memory_budget = *f.response_memory_budget;
    if (f.pre_auth_max_frame_size) c.pre_auth_max_frame_size = *f.pre_auth_max_frame_size;
    if (f.connect_timeout_ms) c.connect_timeout = std::chrono::milliseconds(*f.connect_timeout_ms);
    if (f.drain_timeout_ms) c.drain_timeout = std::chrono::milliseconds(*f.drain_timeout_ms);
    if (f.metadata_refresh_ms) c.metadata_refresh = std::chrono::milliseconds(*f.metadata_refresh_ms);
    for (const auto& [name, value] : f.limits) apply_limit(c, name, value, "--" + name, problems);
    for (const auto& [name, value] : f.sni) apply_sni_setting(c, name, value, "--" + name, problems);
    for (const auto& [name, value] : f.plaintext) apply_plaintext_setting(c, name, value, "--" + name, problems);
    if (f.cluster_listen) apply_cluster_listen(c, *f.cluster_listen, "--cluster-listen", problems);
    if (f.upstream_sasl_mechanism) c.upstream_sasl.mechanism = *f.upstream_sasl_mechanism;
    if (f.upstream_sasl_username) c.upstream_sasl.username = *f.upstream_sasl_username;
    if (f.upstream_sasl_password_file) c.upstream_sasl.password_file = *f.upstream_sasl_password_file;
    if (!c.upstream_sasl.password_file.empty()) {
        std::string error;
        if (!read_secret_file(c.upstream_sasl.password_file, c.upstream_sasl.password, error)) {
            problems.push_back("upstream-sasl.password-file: " + error);
        }
    }
    for (auto& p : validate(c)) problems.push_back(std::move(p));
    return c;
}

}  // namespace kgate::gateway

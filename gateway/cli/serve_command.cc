#include "gateway/cli/serve_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "admin-api/service/admin_server.h"
#include "gateway/config/config_loader.h"
#include "gateway/routing/route_store.h"
#include "gateway/server/gateway_server.h"
#include "gateway/plaintext_listeners/plaintext_config.h"
#include "gateway/sni/sni_config.h"
#include "gateway/sni/sni_report.h"
#include "gateway/tls/server_tls_context.h"
#include "gateway/upstream_tls/upstream_tls_startup.h"

namespace kgate::cli {
namespace {

// Connection limits and timeouts (README: "Connection limits and timeouts").
void add_limit_options(CLI::App* cmd, gateway::ConfigFlags& f) {
    static constexpr std::pair<const char*, const char*> limits[] = {
        {"max-connections", "client connections on all listeners together; 0: no limit (default 10000)"},
        {"max-connections-per-address", "client connections from one client address; 0: no limit (default 2000)"},
        {"connections-max-idle-ms", "close a client connection that sends nothing this long with nothing in flight; 0: never (default 600000)"},
        {"frame-grace-ms", "a client frame must arrive within this plus its size at --frame-min-bytes-per-second (default 30000)"},
        {"frame-min-bytes-per-second", "slowest rate a client frame may arrive at after the grace; 0: no floor (default 1024)"},
        {"upstream-request-timeout-ms", "a request's timeout when it carries none of its own; 0: never time out brokers (default 30000)"},
        {"upstream-timeout-margin-ms", "a broker that has not answered within the request's timeout plus this loses the pair (default 30000)"},
    };
    for (const auto& [name, help] : limits) {
        cmd->add_option_function<long long>(std::string("--") + name, [&f, key = std::string(name)](const long long& v) { f.limits[key] = v; }, help);
    }
}

void add_config_options(CLI::App* cmd, gateway::ConfigFlags& f) {
    cmd->add_option("--config", f.config_file, "YAML configuration file (flags given here win over it)");
    cmd->add_option("--upstream", f.upstream, "bootstrap servers of the upstream cluster: HOST:PORT[,HOST:PORT...]");
    cmd->add_option("--listen", f.listen, "bootstrap listener HOST:PORT (default 127.0.0.1:9092)");
    cmd->add_option("--broker-ports", f.broker_ports, "port range FROM-TO for per-broker listeners (default: the 100 ports after the bootstrap port)");
    cmd->add_option("--advertised-host", f.advertised_host, "host clients are told to connect to (default: the listen host)");
    cmd->add_option("--state-dir", f.state_dir, "where routing state persists (default ./kgate-state)");
    cmd->add_option("--log-level", f.log_level, "trace, debug, info, warn, error, critical or off");
    cmd->add_option("--workers", f.workers, "event loops serving connections (default 1)");
    cmd->add_option("--max-frame-size", f.max_frame_size, "largest Kafka frame accepted, in bytes (default 104857600)");
    cmd->add_option("--request-memory-budget", f.request_memory_budget,
                    "bytes of client requests kgate may hold before pausing the connections holding the most (default 134217728; 0: off)");
    cmd->add_option("--response-memory-budget", f.response_memory_budget,
                    "bytes of broker answers kgate may hold for slow clients before pausing their broker reads (default 134217728; 0: off)");
    cmd->add_option("--pre-auth-max-frame-size", f.pre_auth_max_frame_size,
                    "largest frame before SASL authentication where the broker requires it (default 524288, Kafka's; 0: off)");
    cmd->add_option("--connect-timeout-ms", f.connect_timeout_ms, "upstream connect timeout (default 5000)");
    cmd->add_option("--drain-timeout-ms", f.drain_timeout_ms, "on SIGTERM/SIGINT, how long in-flight requests may take (default 10000)");
    cmd->add_option("--http-listen", f.http_listen, "HTTP endpoints /healthz /readyz /routes /metrics on HOST:PORT (default 127.0.0.1:19191; \"off\" disables)");
    cmd->add_option("--admin-listen", f.admin_listen, "gRPC admin API on HOST:PORT (default 127.0.0.1:19190; \"off\" disables)");
    cmd->add_option("--admin-token-file", f.admin_token_file, "file holding the bearer token every admin call but health must carry");
    cmd->add_option("--admin-tls-cert", f.admin_tls_cert, "PEM certificate chain: serve the admin API over TLS (with --admin-tls-key)");
    cmd->add_option("--admin-tls-key", f.admin_tls_key, "PEM private key for --admin-tls-cert");
    cmd->add_option("--tls-certificate", f.tls_certificate,
                    "PEM certificate, leaf first then its chain: every client listener serves TLS only (with --tls-key; see --tls-listeners)");
    cmd->add_option("--tls-key", f.tls_key, "PEM private key of --tls-certificate");
    cmd->add_option("--tls-client-auth", f.tls_client_auth, "client certificates: none (default), optional or required");
    cmd->add_option("--tls-client-ca", f.tls_client_ca, "PEM CA bundle client certificates are verified against");
    cmd->add_option("--tls-handshake-timeout-ms", f.tls_handshake_timeout_ms, "a client's TLS handshake must finish within this (default 10000)");
    cmd->add_option("--broker-kind", f.broker_kind, "kafka (default) or kop: KoP (Kafka-on-Pulsar) brokers get their protocol quirks smoothed");
    cmd->add_option("--kop-topic-prefix", f.kop_topic_prefix, "with --broker-kind kop: the tenant/namespace prefix KoP puts on topic names it lists (default public/default/)");
    cmd->add_option("--metadata-refresh-ms", f.metadata_refresh_ms, "how often the broker list is refreshed (default 30000)");
    add_limit_options(cmd, f);
    for (const auto& setting : gateway::sni_settings_known()) {
        cmd->add_option_function<std::string>(std::string("--") + setting.name,
                                              [&f, key = std::string(setting.name)](const std::string& v) { f.sni[key] = v; }, setting.help);
    }
    for (const auto& setting : gateway::plaintext_settings_known()) {
        cmd->add_option_function<std::string>(std::string("--") + setting.name,
                                              [&f, key = std::string(setting.name)](const std::string& v) { f.plaintext[key] = v; }, setting.help);
    }
    cmd->add_option("--cluster-listen", f.cluster_listen,
                    "HOST:PORT where kgate is the whole cluster: one broker, every request routed by its content (in progress: see README)");
    cmd->add_option("--upstream-sasl-mechanism", f.upstream_sasl_mechanism,
                    "SASL mechanism for kgate's own connections to brokers that require it (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)");
    cmd->add_option("--upstream-sasl-username", f.upstream_sasl_username, "username for --upstream-sasl-mechanism");
    cmd->add_option("--upstream-sasl-password-file", f.upstream_sasl_password_file,
                    "file holding the password for --upstream-sasl-mechanism (for KoP: token:<JWT>)");
}

gateway::GatewayConfig load_or_explain(const gateway::ConfigFlags& flags, bool& ok) {
    std::vector<std::string> problems;
    auto config = gateway::load_config(flags, problems);
    ok = problems.empty();
    for (const auto& p : problems) std::cerr << "kgate: " << p << "\n";
    return config;
}

}  // namespace

void add_serve_command(CLI::App& app) {
    auto flags = std::make_shared<gateway::ConfigFlags>();
    auto* cmd = app.add_subcommand("serve", "Run the gateway in front of an upstream Kafka cluster");
    add_config_options(cmd, *flags);
    cmd->callback([flags] {
        bool ok = false;
        auto config = load_or_explain(*flags, ok);
        if (!ok) throw CLI::RuntimeError(2);
        spdlog::set_level(spdlog::level::from_str(config.log_level));
        try {
            gateway::GatewayServer server(std::move(config));
            server.restore_state();
            std::optional<admin::AdminServer> admin_server;
            if (server.config().admin_listen) {
                try {
                    admin_server.emplace(server.config(), server, server.metrics());
                } catch (const admin::AdminListenError& e) {
                    // As for the HTTP endpoints: Kafka traffic matters more than the operator port.
                    // A bad token or certificate still stops start-up: never serve it open.
                    spdlog::error("admin API disabled: {}", e.what());
                }
            }
            const int status = server.run();
            // Admin calls still running (a drain, say) get a moment to answer.
            if (admin_server) admin_server->shutdown(std::chrono::milliseconds(1000));
            if (status != 0) throw CLI::RuntimeError(status);
        } catch (const gateway::RouteStoreError& e) {
            spdlog::critical("{}", e.what());
            throw CLI::RuntimeError(1);
        } catch (const boost::system::system_error& e) {
            spdlog::critical("{}", e.what());
            throw CLI::RuntimeError(1);
        } catch (const std::runtime_error& e) {  // admin API start-up: port, token, certificate
            spdlog::critical("{}", e.what());
            throw CLI::RuntimeError(1);
        }
    });
}

void add_check_config_command(CLI::App& app) {
    auto flags = std::make_shared<gateway::ConfigFlags>();
    auto* cmd = app.add_subcommand("check-config", "Validate a configuration and name every problem");
    add_config_options(cmd, *flags);
    cmd->callback([flags] {
        bool ok = false;
        const auto config = load_or_explain(*flags, ok);
        if (!ok) throw CLI::RuntimeError(2);
        if (config.tls.enabled()) {  // the files, as start-up would load them
            std::string error;
            const auto loaded = gateway::ServerTlsContext::load(config.tls, error);
            if (!loaded) {
                std::cerr << "kgate: " << error << "\n";
                throw CLI::RuntimeError(2);
            }
            const bool told_over_tls = config.sni.tls_listeners == gateway::TlsListeners::all;  // else plaintext there
            if (const auto warning = told_over_tls ? loaded->uncovered_warning({config.client_host()}) : std::nullopt) {
                std::cerr << "kgate: warning: " << *warning << "\n";
            }
            if (const auto warning = gateway::sni_uncovered_warning(*loaded, config.sni)) std::cerr << "kgate: warning: " << *warning << "\n";
        }
        for (const auto& warning : gateway::upstream_tls_warnings(config)) std::cerr << "kgate: warning: " << warning << "\n";
        std::cout << "configuration is valid: " << config.upstream.size() << " upstream bootstrap servers, listening on "
                  << config.listen.to_string() << ", broker ports " << config.first_broker_port() << "-" << config.last_broker_port()
                  << ", clients told " << config.client_host();
        const auto static_routes = std::count_if(config.overrides.begin(), config.overrides.end(),
                                                 [](const gateway::UpstreamOverride& o) { return o.address && o.listen_port; });
        if (static_routes != 0) std::cout << ", " << static_routes << " static routes (served before discovery)";
        if (config.tls.enabled()) std::cout << ", TLS for clients (client certificates " << gateway::client_auth_name(config.tls.client_auth) << ")";
        if (config.sni.enabled()) {
            std::cout << ", SNI on " << config.sni.listen->to_string() << " (" << config.sni.bootstrap_name << ", " << config.sni.broker_pattern
                      << ", clients told port " << config.sni.told_port() << ")";
            if (config.sni.tls_listeners == gateway::TlsListeners::sni_only) std::cout << ", bootstrap and broker listeners in plaintext";
        }
        if (config.plaintext.enabled()) {
            std::cout << ", plaintext listeners beside them from " << config.plaintext.listen->to_string() << " (clients told "
                      << config.plaintext.told_host() << ")";
        }
        std::cout << "\n";
        for (const auto& line : gateway::upstream_tls_lines(config)) std::cout << line << "\n";
    });
}

}  // namespace kgate::cli

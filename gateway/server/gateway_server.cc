#include "gateway/server/gateway_server.h"

#include <algorithm>
#include <csignal>
#include <functional>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/limits/open_files.h"
#include "gateway/sni/sni_report.h"
#include "gateway/cluster_mode/cluster_listener.h"
#include "gateway/cluster_mode/cluster_session.h"
#include "gateway/session/client_session.h"
#include "gateway/tls/transport_stream.h"
#include "gateway/upstream_tls/upstream_tls_startup.h"

namespace kgate::gateway {
namespace {

// Client-facing TLS at start-up: the files must load, or kgate does not start.
std::shared_ptr<const ServerTlsContext> load_client_tls(const GatewayConfig& config) {
    const auto& settings = config.tls;
    if (!settings.enabled()) return nullptr;
    std::string error;
    auto loaded = ServerTlsContext::load(settings, error);
    if (!loaded) throw std::runtime_error(error);
    // With tls-listeners sni-only the host clients are told is plaintext: no certificate is shown there.
    const bool told_over_tls = config.sni.tls_listeners == TlsListeners::all;
    if (const auto warning = told_over_tls ? loaded->uncovered_warning({config.client_host()}) : std::nullopt) spdlog::warn("{}", *warning);
    if (const auto warning = sni_uncovered_warning(*loaded, config.sni)) spdlog::warn("{}", *warning);
    const auto& c = loaded->certificate();
    spdlog::info("client TLS: certificate {} (serial {}, not after {}), client certificates {}", c.subject, c.serial, c.not_after,
                 client_auth_name(settings.client_auth));
    return loaded;
}

// `slot` holds the connection's place in the limits until the coroutine ends.
awaitable<void> serve_connection(tcp::socket socket, [[maybe_unused]] ConnectionSlot slot, ListenerTarget target,
                                 SessionServices& services, Worker& worker, GatewayMetrics& metrics) {
    if (target.cluster) {
        co_await serve_cluster_connection(std::move(socket), services, worker, metrics);
        co_return;
    }
    std::string listener = target.sni != nullptr ? std::string("sni") : GatewayMetrics::listener_label(target.bootstrap, target.node_id);
    if (target.plaintext != nullptr) listener.insert(0, "plaintext-");
    metrics.connection_opened(listener);
    TransportStream client(std::move(socket));
    if (worker.tls && target.tls) client.start_server_tls(worker.tls->shared());  // the session's first step is the handshake
    ClientSession session(std::move(client), target, services);
    const auto it = worker.sessions.insert(worker.sessions.end(), &session);
    try {
        co_await session.run();
    } catch (const std::exception& e) {
        spdlog::error("conn {}: {}", session.id(), e.what());
    }
    worker.sessions.erase(it);
    metrics.connection_closed(listener);
}

}  // namespace

GatewayServer::GatewayServer(GatewayConfig config)
    : config_(std::move(config)),
      workers_(config_.workers),
      routing_(config_, RouteStore(config_.state_dir)),
      tls_(load_client_tls(config_)),
      sni_(SniRouter::from(config_.sni)),
      plaintext_(PlaintextPorts::from(config_)),
      services_{config_, routing_, cluster_, metrics_},
      discovery_(config_, routing_, cluster_, &services_.upstream_tls, &metrics_) {
    limits_.on_release([this] { accept_pause_.wake(); });
    start_upstream_tls(config_, services_.upstream_tls);
    if (config_.tls.enabled()) {
        metrics_.tls_certificates().set_client_tls(tls_.load()->certificate());
        for (auto& w : workers_.workers()) w->tls.emplace(tls_);
    }
}

bool GatewayServer::open_broker_listener(std::uint16_t port, std::int32_t node_id, std::string& error) {
    if (!open_listener(port, ListenerTarget{false, node_id, main_listeners_tls()}, error)) return false;
    if (open_plaintext_twin(port, node_id, error)) return true;
    close_broker_listener(port);  // a broker served on one of its two listeners only would be a trap: routing picks another port
    return false;
}

bool GatewayServer::open_plaintext_twin(std::uint16_t tls_port, std::int32_t node_id, std::string& error) {
    if (!plaintext_) return true;
    const auto where = plaintext_->listen_for(tls_port);
    if (!where) {
        error = fmt::format("port {} shifted by {} for its plaintext listener leaves 1-65535", tls_port, plaintext_->shift());
        return false;
    }
    if (open_listener_at(*where, ListenerTarget{false, node_id, false, nullptr, &*plaintext_}, error)) return true;
    error = "its plaintext listener: " + error;
    return false;
}

bool GatewayServer::main_listeners_tls() const {
    return config_.tls.enabled() && config_.sni.tls_listeners == TlsListeners::all;
}

bool GatewayServer::open_listener(std::uint16_t port, ListenerTarget target, std::string& error) {
    return open_listener_at(HostPort{config_.listen.host, port}, target, error);
}

bool GatewayServer::open_listener_at(const HostPort& where, ListenerTarget target, std::string& error) {
    const std::uint16_t port = where.port;
    if (stopping_) {
        error = "shutting down";
        return false;
    }
    {
        // Listeners are closed by port: two of kgate's on one port (on different hosts, which
        // the system allows) would be closed together.
        std::lock_guard lock(listeners_mutex_);
        if (std::any_of(listeners_.begin(), listeners_.end(), [&](const Listener& l) { return l.port == port && !l.closed; })) {
            error = fmt::format("port {} is already one of kgate's own listeners", port);
            return false;
        }
    }
    error_code ec;
    tcp::acceptor acceptor(control_);
    const auto address = asio::ip::make_address(where.host, ec);
    if (ec) {
        error = fmt::format("listen address \"{}\": {}", where.host, ec.message());
        return false;
    }
    const tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = fmt::format("{}: {}", where.to_string(), ec.message());
        return false;
    }
    std::lock_guard lock(listeners_mutex_);
    tcp::acceptor& stored = listeners_.emplace_back(Listener{std::move(acceptor), port}).acceptor;
    asio::co_spawn(control_, accept_loop(stored, target), asio::detached);
    const char* tls = target.tls ? " (TLS)" : target.plaintext != nullptr ? " (plaintext, beside TLS)" : "";
    if (target.cluster) spdlog::info("cluster listener on {}: the whole cluster as one broker", where.to_string());
    else if (target.sni != nullptr) log_sni_listener(*target.sni);
    else if (target.bootstrap) spdlog::info("bootstrap listener on {}{}", where.to_string(), tls);
    else spdlog::info("broker {} listener on {}{}", target.node_id, where.to_string(), tls);
    return true;
}

void GatewayServer::close_broker_listener(std::uint16_t port) {
    const auto twin = plaintext_ ? plaintext_->port_for(port) : std::nullopt;
    std::lock_guard lock(listeners_mutex_);
    for (auto& l : listeners_) {
        if (l.closed || (l.port != port && l.port != twin)) continue;
        l.closed = true;
        // On the control loop, which owns the acceptor and its pending accept.
        asio::post(control_, [&acceptor = l.acceptor, closed = l.port] {
            error_code ignored;
            acceptor.close(ignored);
            spdlog::info("listener on port {} closed", closed);
        });
    }
}

awaitable<void> GatewayServer::accept_loop(tcp::acceptor& acceptor, ListenerTarget target) {
    error_code port_ec;
    const std::uint16_t port = acceptor.local_endpoint(port_ec).port();
    std::uint64_t failures = 0;  // in a row
    for (;;) {
        Worker& worker = workers_.next();
        error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(worker.context, with_ec(ec));
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) {
            // Out of file descriptors and the like: back off instead of spinning.
            ++failures;
            accept_pause_.failed(port, ec);
            co_await accept_pause_.pause();
            continue;
        }
        if (failures > 0) accept_pause_.recovered(port, std::exchange(failures, 0));
        auto slot = admit_or_close(limits_, control_, socket, port, metrics_);
        if (!slot) continue;
        socket.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(worker.context, serve_connection(std::move(socket), std::move(*slot), target, services_, worker, metrics_),
                       asio::detached);
    }
}

bool GatewayServer::open_listeners() {
    if (listening_) return true;
    std::string error;
    const char* failed = nullptr;
    if (!open_listener(config_.listen.port, ListenerTarget{true, -1, main_listeners_tls()}, error)) failed = "bootstrap";
    else if (sni_ && !open_listener_at(sni_->listen(), ListenerTarget{true, -1, true, sni_.get()}, error)) failed = "SNI";
    else if (plaintext_ && !open_listener_at(plaintext_->bootstrap(), ListenerTarget{true, -1, false, nullptr, &*plaintext_}, error)) {
        failed = "plaintext bootstrap";
    }
    else if (config_.cluster_listen && !open_listener_at(*config_.cluster_listen, cluster_listener_target(), error)) failed = "cluster";
    if (failed != nullptr) {
        spdlog::critical("cannot open the {} listener: {}", failed, error);
        exit_status_ = 1;
        begin_shutdown(0);
        return false;
    }
    routing_.start_listening(*this);
    listening_ = true;
    return true;
}

void GatewayServer::open_before_discovery() {
    const auto routes = routing_.snapshot()->routes().size();
    if (routes == 0 || !open_listeners()) return;
    if (const auto& why = routing_.why_not_ready_without_discovery()) {
        spdlog::warn("listeners open for {} known brokers before discovery, but not ready until discovery succeeds: {}", routes, *why);
    } else {
        spdlog::info("ready before discovery: {} configured and saved broker routes behind {}; discovery will confirm them", routes,
                     config_.listen.to_string());
    }
}

void GatewayServer::on_ready() {
    if (!open_listeners()) return;
    spdlog::info("ready: {} brokers behind {}", routing_.snapshot()->routes().size(), config_.listen.to_string());
    if (config_.broker_kind == BrokerKind::kop) {
        const auto view = cluster_.load();
        spdlog::info("broker-kind kop: clients are offered {} of the {} API keys the brokers advertise and kgate routes; "
                     "OffsetFetch answers lose the topic prefix \"{}\"",
                     view->offered.size(), view->advertised.size(), config_.kop_topic_prefix);
    }
}

HttpContext GatewayServer::http_context() {
    metrics_.sample_budgets(services_.request_budget, services_.response_budget);
    HttpContext c;
    c.listening = listening_.load();
    c.cluster_known = cluster_.load()->known;
    c.not_ready_without_discovery = routing_.why_not_ready_without_discovery();
    c.draining = stopping_.load();
    c.routes = routing_.snapshot();
    c.cluster = cluster_.load();
    c.metrics = &metrics_.registry();
    return c;
}

void GatewayServer::begin_shutdown(int signal_number) {
    if (stopping_.exchange(true)) return;
    if (signal_number != 0) spdlog::info("signal {}: draining connections (up to {} ms)", signal_number, config_.drain_timeout.count());
    stop_discovery_.emit(asio::cancellation_type::all);
    http_.stop();
    {
        std::lock_guard lock(listeners_mutex_);
        for (auto& l : listeners_) {
            error_code ignored;
            l.acceptor.close(ignored);
        }
    }
    for (auto& w : workers_.workers()) {
        asio::post(w->context, [worker = w.get()] {
            for (ClientSession* s : worker->sessions) s->drain();
            for (ClusterSession* s : worker->cluster_sessions) s->drain();
        });
    }
    asio::co_spawn(control_, finish_shutdown(), asio::detached);
}

awaitable<void> GatewayServer::finish_shutdown() {
    const auto deadline = std::chrono::steady_clock::now() + config_.drain_timeout;
    asio::steady_timer tick(control_);
    while (services_.active_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(20));
        error_code ec;
        co_await tick.async_wait(with_ec(ec));
    }
    const int left = services_.active_sessions.load();
    if (left > 0) spdlog::warn("drain timeout: closing {} connections", left);
    workers_.stop(left > 0);
    control_.stop();
}

void GatewayServer::restore_state() {
    if (restored_) return;
    routing_.restore();
    restored_ = true;
}

int GatewayServer::run() {
    restore_state();
    if (config_.http_listen) {
        // Not fatal: the Kafka traffic matters more than the operator endpoints.
        std::string error;
        if (!http_.start(*config_.http_listen, error)) spdlog::error("HTTP endpoints disabled: {}", error);
    }
    workers_.start();
    asio::signal_set signals(control_, SIGINT, SIGTERM, SIGHUP);
    // Keeps catching: a second signal while draining must not kill the process mid-drain.
    std::function<void(const error_code&, int)> on_signal = [&](const error_code& ec, int signal_number) {
        if (ec) return;
        if (signal_number == SIGHUP) {
            if (config_.tls.enabled()) {
                (void)reload_certificates();  // logs what happened; upstream TLS files are read again too
            } else {
                services_.upstream_tls.clear();
                spdlog::info("SIGHUP: no client TLS configured; upstream TLS files are read again when next used");
            }
        } else {
            begin_shutdown(signal_number);
        }
        signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);
    // Known routes (configured or saved) are served at once, as one proxy per broker would be;
    // discovery then confirms them and finds the brokers not known yet.
    asio::post(control_, [this] { open_before_discovery(); });
    asio::co_spawn(control_, discovery_.run([this] { on_ready(); }),
                   asio::bind_cancellation_slot(stop_discovery_.slot(), asio::detached));
    std::string upstream;
    for (const auto& u : config_.upstream) upstream += (upstream.empty() ? "" : ",") + u.to_string();
    spdlog::info("kgate starting: upstream {}, {} workers", upstream, config_.workers);
    if (const auto warning = open_files_warning(config_.max_connections, open_files_limit())) spdlog::warn("{}", *warning);
    control_.run();
    limits_.stop_releases();
    // Removing a signal from a signal_set restores its default action, and so would the
    // destructor at return: a late signal would then end the process with 143 instead of the
    // clean exit under way (timeout(1) sends its TERM twice, to kgate and to its group). So the
    // set lets go of them first, and only then are they ignored.
    error_code ignored;
    signals.clear(ignored);
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    std::signal(SIGHUP, SIG_IGN);
    workers_.join();
    spdlog::info("kgate stopped");
    return exit_status_;
}

}  // namespace kgate::gateway

#include "gateway/http/http_server.h"

#include <chrono>
#include <set>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/log/rate_limited_log.h"

namespace kgate::gateway {

namespace beast = boost::beast;
namespace http = beast::http;

struct HttpServer::State {
    ContextProvider provider;
    std::set<beast::tcp_stream*> open;  // closed by stop(); touched only on the control loop
    bool stopped = false;
};

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(10);
constexpr std::uint64_t kBodyLimit = 1024;    // the endpoints take no body
constexpr std::uint32_t kHeaderLimit = 8192;

awaitable<void> serve_http(tcp::socket socket, std::shared_ptr<HttpServer::State> state) {
    beast::tcp_stream stream(std::move(socket));
    state->open.insert(&stream);
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        parser.header_limit(kHeaderLimit);
        stream.expires_after(kIdleTimeout);
        error_code ec;
        co_await http::async_read(stream, buffer, parser, with_ec(ec));
        if (ec) break;  // closed, idle timeout, stop() or a request over the limits
        const auto& req = parser.get();
        const HttpRequest request{std::string(req.method_string()), std::string(req.target())};
        const HttpResponse answer = handle_http(request, state->provider());
        http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
        res.set(http::field::server, "kgate");
        res.set(http::field::content_type, answer.content_type);
        if (answer.status == 405) res.set(http::field::allow, "GET");
        res.keep_alive(req.keep_alive());
        res.body() = answer.body;
        res.prepare_payload();
        stream.expires_after(kIdleTimeout);
        co_await http::async_write(stream, res, with_ec(ec));
        if (ec || !res.keep_alive()) break;
    }
    state->open.erase(&stream);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> accept_http(tcp::acceptor& acceptor, std::shared_ptr<HttpServer::State> state) {
    for (;;) {
        error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(with_ec(ec));
        if (state->stopped || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // Out of descriptors and the like: pause rather than spin, and say so once per 10 s
            // (the Kafka listeners' accept failures are logged apart: gateway/limits/).
            static RateLimitedLog log(1, std::chrono::seconds(10));
            log.warn(fmt::format("http accept: {}", ec.message()));
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(with_ec(ec));
            continue;
        }
        asio::co_spawn(acceptor.get_executor(), serve_http(std::move(socket), state), asio::detached);
    }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& context, ContextProvider provider)
    : context_(context), state_(std::make_shared<State>()) {
    state_->provider = std::move(provider);
}

HttpServer::~HttpServer() = default;

bool HttpServer::start(const HostPort& address, std::string& error) {
    error_code ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    if (ec) {
        error = fmt::format("http-listen address \"{}\": {}", address.host, ec.message());
        return false;
    }
    const tcp::endpoint endpoint(ip, address.port);
    tcp::acceptor& acceptor = acceptor_.emplace(context_);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = fmt::format("http-listen {}: {}", address.to_string(), ec.message());
        acceptor_.reset();
        return false;
    }
    port_ = acceptor.local_endpoint(ec).port();
    asio::co_spawn(context_, accept_http(acceptor, state_), asio::detached);
    spdlog::info("http endpoints on {}:{}", address.host, port_);
    return true;
}

void HttpServer::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    for (auto* stream : state_->open) stream->socket().close(ignored);
}

}  // namespace kgate::gateway

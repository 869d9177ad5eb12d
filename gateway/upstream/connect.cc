#include "gateway/upstream/connect.h"

#include <variant>

namespace kgate::gateway {

using namespace asio::experimental::awaitable_operators;

namespace {

awaitable<error_code> resolve_and_connect(tcp::socket& socket, const HostPort& target) {
    tcp::resolver resolver(socket.get_executor());
    error_code ec;
    const auto endpoints = co_await resolver.async_resolve(target.host, std::to_string(target.port), with_ec(ec));
    if (ec) co_return ec;
    co_await asio::async_connect(socket, endpoints, with_ec(ec));
    if (!ec) socket.set_option(tcp::no_delay(true), ec);
    co_return ec;
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    error_code ec;
    co_await timer.async_wait(with_ec(ec));
}

}  // namespace

awaitable<error_code> connect_with_timeout(tcp::socket& socket, const HostPort& target, std::chrono::milliseconds timeout) {
    auto result = co_await (resolve_and_connect(socket, target) || sleep_for(timeout));
    if (result.index() == 1) {
        error_code ignored;
        socket.close(ignored);
        co_return asio::error::timed_out;
    }
    co_return std::get<0>(result);
}

}  // namespace kgate::gateway

#include "gateway/tls/timed_handshake.h"

namespace kgate::gateway {

awaitable<TimedHandshake> timed_handshake(TransportStream& stream, asio::ssl::stream_base::handshake_type side,
                                          std::chrono::milliseconds timeout) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(stream.get_executor(), timeout);
    TimedHandshake outcome;
    error_code timer_ec;
    const auto first = co_await (stream.tls().async_handshake(side, with_ec(outcome.ec)) || timer.async_wait(with_ec(timer_ec)));
    outcome.timed_out = first.index() == 1;
    co_return outcome;
}

}  // namespace kgate::gateway

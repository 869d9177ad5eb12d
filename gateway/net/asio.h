#pragma once
// The Asio names the gateway uses, in one place.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

namespace kgate::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
template <class T = void>
using awaitable = asio::awaitable<T>;

// Completion token for coroutines that want an error_code instead of an exception.
inline auto with_ec(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

}  // namespace kgate::gateway

#pragma once
// A small HTTP/1.1 server for the operator endpoints, on the control loop: one coroutine
// per connection, keep-alive, small request limits and an idle timeout. Answers come from
// handle_http(); the server only moves bytes.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/http/http_handler.h"
#include "gateway/net/asio.h"
#include "gateway/routing/host_port.h"

namespace kgate::gateway {

class HttpServer {
public:
    using ContextProvider = std::function<HttpContext()>;

    HttpServer(asio::io_context& context, ContextProvider provider);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting; false with `error` when the address cannot be used.
    bool start(const HostPort& address, std::string& error);
    // Closes the listener and every open connection. Call on the io_context's thread.
    void stop();
    std::uint16_t port() const { return port_; }

    struct State;  // shared with connection coroutines, which may outlive this object

private:
    asio::io_context& context_;
    std::shared_ptr<State> state_;
    std::optional<tcp::acceptor> acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace kgate::gateway

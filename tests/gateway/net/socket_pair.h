#pragma once
// A connected pair of loopback sockets on one io_context, for tests of socket reads and writes.
#include "gateway/net/asio.h"

namespace kgate::gateway::testing {

struct SocketPair {
    asio::io_context io;
    tcp::socket writer{io};
    tcp::socket reader{io};

    SocketPair() {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        writer.connect(acceptor.local_endpoint());
        reader = acceptor.accept();
    }
};

}  // namespace kgate::gateway::testing

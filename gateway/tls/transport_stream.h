#pragma once
// A connection's byte stream: a TCP socket, plain or with TLS over it.
//
// Frames are read and written through it (gateway/net/frame_io.h, frame_batch.h) the same
// way either way. Each read and write branches once on whether TLS is on and hands the
// caller's completion handler straight to the socket or to Asio's ssl::stream: the plaintext
// path costs no extra coroutine, copy or allocation. The raw socket stays reachable for what
// works on TCP itself under TLS too (TCP_INFO, shutdown, the peer's address).
#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/ssl/stream.hpp>

#include "gateway/net/asio.h"

namespace kgate::gateway {

class ServerTlsContext;

class TransportStream {
public:
    using executor_type = tcp::socket::executor_type;
    using TlsLayer = asio::ssl::stream<tcp::socket>;

    explicit TransportStream(tcp::socket socket) : plain_(std::move(socket)) {}
    TransportStream(TransportStream&&) noexcept = default;
    TransportStream& operator=(TransportStream&&) noexcept = default;
    ~TransportStream();

    // Puts TLS over the socket, as the server, with `context` (kept for the connection's life);
    // the handshake comes next (gateway/tls/tls_handshake.h).
    void start_server_tls(std::shared_ptr<const ServerTlsContext> context);
    // Puts TLS over a connected socket, as the client (kgate towards a broker), with `context`'s
    // ssl::context; `owner` keeps that context alive for the connection's life. The handshake
    // comes next (gateway/upstream_tls/upstream_handshake.h).
    void start_client_tls(std::shared_ptr<const void> owner, asio::ssl::context& context);
    bool is_tls() const { return tls_ != nullptr; }
    TlsLayer& tls() { return *tls_; }

    tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }
    const tcp::socket& socket() const { return tls_ ? tls_->next_layer() : plain_; }
    executor_type get_executor() { return socket().get_executor(); }

    // Bytes of the peer's stream that may already be off the socket and not yet read: in TLS's
    // buffers. An upper bound; 0 for a plain socket. See peer_left_mid_frame (frame_io.h).
    std::size_t buffered_above_socket() const;

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return asio::async_initiate<Token, void(error_code, std::size_t)>(ReadSome{this}, token, buffers);
    }
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return asio::async_initiate<Token, void(error_code, std::size_t)>(WriteSome{this}, token, buffers);
    }

private:
    // One TLS record's worth: small frames written together share a record and a system call.
    static constexpr std::size_t kRecordBytes = 16 * 1024;

    struct ReadSome {
        TransportStream* self;
        template <class Handler, class MutableBuffers>
        void operator()(Handler&& handler, const MutableBuffers& buffers) const {
            if (self->tls_) self->tls_->async_read_some(buffers, std::forward<Handler>(handler));
            else self->plain_.async_read_some(buffers, std::forward<Handler>(handler));
        }
    };
    struct WriteSome {
        TransportStream* self;
        template <class Handler, class ConstBuffers>
        void operator()(Handler&& handler, const ConstBuffers& buffers) const {
            if (!self->tls_) {
                self->plain_.async_write_some(buffers, std::forward<Handler>(handler));
                return;
            }
            // Asio's TLS layer writes only the first buffer of a sequence: gather small ones.
            const asio::const_buffer first = *asio::buffer_sequence_begin(buffers);
            if (first.size() >= kRecordBytes || asio::buffer_size(buffers) == first.size()) {
                self->tls_->async_write_some(first, std::forward<Handler>(handler));
                return;
            }
            self->staged_.resize(kRecordBytes);
            const std::size_t n = asio::buffer_copy(asio::buffer(self->staged_), buffers);
            self->tls_->async_write_some(asio::buffer(self->staged_.data(), n), std::forward<Handler>(handler));
        }
    };

    tcp::socket plain_;                  // the socket, until TLS takes it
    std::unique_ptr<TlsLayer> tls_;      // TLS over the socket; null for plaintext
    std::shared_ptr<const void> context_;  // what tls_'s SSL_CTX belongs to
    std::vector<unsigned char> staged_;  // TLS only: small buffers gathered for one write
};

}  // namespace kgate::gateway

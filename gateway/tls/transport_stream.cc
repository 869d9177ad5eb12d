#include "gateway/tls/transport_stream.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "gateway/tls/server_tls_context.h"

namespace kgate::gateway {

TransportStream::~TransportStream() = default;

void TransportStream::start_server_tls(std::shared_ptr<const ServerTlsContext> context) {
    auto& ssl = context->context();
    context_ = std::move(context);
    tls_ = std::make_unique<TlsLayer>(std::move(plain_), ssl);
}

void TransportStream::start_client_tls(std::shared_ptr<const void> owner, asio::ssl::context& context) {
    context_ = std::move(owner);
    tls_ = std::make_unique<TlsLayer>(std::move(plain_), context);
}

std::size_t TransportStream::buffered_above_socket() const {
    if (!tls_) return 0;
    // What OpenSSL has decrypted and not handed out, the ciphertext waiting in the BIO pair
    // Asio feeds it through, and Asio's own input buffer (one record at most; it does not say
    // how much it holds).
    SSL* ssl = const_cast<TlsLayer&>(*tls_).native_handle();
    const auto decrypted = static_cast<std::size_t>(SSL_pending(ssl));
    const auto in_bio = static_cast<std::size_t>(BIO_ctrl_pending(SSL_get_rbio(ssl)));
    constexpr std::size_t kAsioInput = 17 * 1024;
    return decrypted + in_bio + kAsioInput;
}

}  // namespace kgate::gateway

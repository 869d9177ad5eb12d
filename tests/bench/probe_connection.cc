#include "probe_connection.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kgate::bench {

namespace {

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    if (code == 0) return "no OpenSSL error queued";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

}  // namespace

struct ProbeConnection::Tls {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    ~Tls() {
        if (ssl != nullptr) SSL_free(ssl);
        if (ctx != nullptr) SSL_CTX_free(ctx);
    }
};

ProbeConnection::ProbeConnection(const std::string& host, int port, const std::string& ca_file, int timeout_ms) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    // Loopback only: an IPv4 address, or a name resolving to one (KoP advertises localhost).
    const bool numeric = inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1;
    if (!numeric) {
        addrinfo hints{};
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) throw std::runtime_error("cannot resolve " + host);
        addr.sin_addr = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
        freeaddrinfo(found);
    }
    if ((ntohl(addr.sin_addr.s_addr) >> 24) != 127) throw std::runtime_error("not a loopback address: " + host);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error("connect " + host + ":" + std::to_string(port) + ": " + why);
    }
    if (ca_file.empty()) return;
    tls_ = std::make_unique<Tls>();
    tls_->ctx = SSL_CTX_new(TLS_client_method());
    if (tls_->ctx == nullptr || SSL_CTX_load_verify_locations(tls_->ctx, ca_file.c_str(), nullptr) != 1) {
        const std::string why = openssl_error();
        ::close(fd_);
        throw std::runtime_error("TLS: loading the CA " + ca_file + ": " + why);
    }
    SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_min_proto_version(tls_->ctx, TLS1_2_VERSION);
    tls_->ssl = SSL_new(tls_->ctx);
    // The certificate must name what was dialled (an IP or DNS SAN), as a verifying Kafka client checks.
    // A name also goes out as SNI (an address may not).
    if (numeric) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls_->ssl), host.c_str());
    } else {
        X509_VERIFY_PARAM_set1_host(SSL_get0_param(tls_->ssl), host.c_str(), 0);
        SSL_set_tlsext_host_name(tls_->ssl, host.c_str());
    }
    SSL_set_fd(tls_->ssl, fd_);
    if (SSL_connect(tls_->ssl) != 1) {
        const std::string why = openssl_error();
        ::close(fd_);
        throw std::runtime_error("TLS handshake with " + host + ":" + std::to_string(port) + ": " + why);
    }
}

ProbeConnection::~ProbeConnection() {
    if (tls_ && tls_->ssl != nullptr) SSL_shutdown(tls_->ssl);
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
}

bool ProbeConnection::write_all(std::span<const std::byte> bytes, std::string& error) {
    while (!bytes.empty()) {
        long n = 0;
        if (tls_) {
            const int r = SSL_write(tls_->ssl, bytes.data(), static_cast<int>(bytes.size()));
            if (r <= 0) return error = "TLS write: " + openssl_error(), false;
            n = r;
        } else {
            n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return error = std::string("write: ") + std::strerror(errno), false;
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

bool ProbeConnection::read_exact(std::byte* out, std::size_t n, std::string& error) {
    while (n > 0) {
        long got = 0;
        if (tls_) {
            const int r = SSL_read(tls_->ssl, out, static_cast<int>(n));
            if (r <= 0) return error = "TLS read: " + openssl_error(), false;
            got = r;
        } else {
            got = ::recv(fd_, out, n, 0);
            if (got < 0 && errno == EINTR) continue;
            if (got == 0) return error = "read: the peer closed the connection", false;
            if (got < 0) return error = std::string("read: ") + std::strerror(errno), false;
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

bool ProbeConnection::read_frame(std::vector<std::byte>& frame, std::string& error) {
    std::byte prefix[4];
    if (!read_exact(prefix, sizeof prefix, error)) return false;
    const std::uint32_t size = (std::to_integer<std::uint32_t>(prefix[0]) << 24) | (std::to_integer<std::uint32_t>(prefix[1]) << 16) |
                               (std::to_integer<std::uint32_t>(prefix[2]) << 8) | std::to_integer<std::uint32_t>(prefix[3]);
    if (size > (64u << 20)) return error = "frame size " + std::to_string(size) + " is over 64 MiB", false;
    frame.resize(size);
    return read_exact(frame.data(), size, error);
}

}  // namespace kgate::bench

#pragma once
// One blocking loopback connection for the round-trip probe, plaintext or TLS (OpenSSL, the
// peer's certificate verified against a CA and the host dialled). Every wait is bounded by the
// socket timeouts given at connect, so a silent peer ends the probe instead of hanging it.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kgate::bench {

class ProbeConnection {
public:
    // Empty `ca_file`: plaintext. Throws std::runtime_error naming what failed (start-up only).
    ProbeConnection(const std::string& host, int port, const std::string& ca_file, int timeout_ms);
    ~ProbeConnection();
    ProbeConnection(const ProbeConnection&) = delete;
    ProbeConnection& operator=(const ProbeConnection&) = delete;

    // Sends a whole frame (size prefix included); false with `error` set when it cannot.
    bool write_all(std::span<const std::byte> bytes, std::string& error);
    // Reads one size-prefixed frame into `frame` (without the prefix).
    bool read_frame(std::vector<std::byte>& frame, std::string& error);

private:
    bool read_exact(std::byte* out, std::size_t n, std::string& error);
    struct Tls;
    int fd_ = -1;
    std::unique_ptr<Tls> tls_;
};

}  // namespace kgate::bench

#pragma once
// The client side of SCRAM (RFC 5802) with SHA-256 or SHA-512 (Kafka's SCRAM-SHA-256 and
// SCRAM-SHA-512, RFC 7677), for kgate's own connections to brokers that offer only SCRAM.
// Pure: the caller carries the three messages over SaslAuthenticate. No channel binding
// ("n,,"), as Kafka's own clients.
#include <optional>
#include <string>
#include <string_view>

namespace kgate::gateway {

enum class ScramHash { sha256, sha512 };

// SCRAM-SHA-256 or SCRAM-SHA-512; nullopt for any other mechanism name.
std::optional<ScramHash> scram_hash(std::string_view mechanism);

// 32 random bytes, base64: the client nonce.
std::string scram_nonce();

class ScramClient {
public:
    ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce);

    // "n,,n=USER,r=NONCE", the user name escaped as RFC 5802 asks.
    std::string client_first() const;
    // The proof for the server's first message; nullopt (and `error`) when that message is
    // malformed, its nonce does not extend ours, or its iteration count is below 4096 (what
    // Kafka's clients require) or absurdly high.
    std::optional<std::string> client_final(std::string_view server_first, std::string& error);
    // Whether the server's last message proves it knew the password; false (and `error`,
    // the server's own "e=" words when it sent them) otherwise.
    bool server_final_ok(std::string_view server_final, std::string& error) const;

private:
    ScramHash hash_;
    std::string username_;
    std::string password_;
    std::string nonce_;
    std::string expected_server_signature_;  // base64, known once client_final() ran
};

}  // namespace kgate::gateway

#include "gateway/upstream/scram_client.h"

#include <array>
#include <charconv>
#include <span>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "protocol/wire/base64.h"

namespace kgate::gateway {
namespace {

using Bytes = std::vector<unsigned char>;

// Kafka's clients refuse fewer; many more would only make a rogue broker burn kgate's CPU.
constexpr long kMinIterations = 4096;
constexpr long kMaxIterations = 1'000'000;

const EVP_MD* digest_of(ScramHash hash) { return hash == ScramHash::sha256 ? EVP_sha256() : EVP_sha512(); }

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string base64(const Bytes& in) { return protocol::base64_encode(std::as_bytes(std::span<const unsigned char>(in))); }

std::optional<Bytes> unbase64(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0) return std::nullopt;
    Bytes out(in.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes.
    std::size_t size = static_cast<std::size_t>(n);
    for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) --size;
    out.resize(size);
    return out;
}

Bytes hmac(ScramHash hash, const Bytes& key, const Bytes& data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    HMAC(digest_of(hash), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &size);
    out.resize(size);
    return out;
}

Bytes digest(ScramHash hash, const Bytes& data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &size, digest_of(hash), nullptr);
    out.resize(size);
    return out;
}

// RFC 5802's saslname: ',' and '=' escaped.
std::string escaped(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == ',') out += "=2C";
        else if (c == '=') out += "=3D";
        else out += c;
    }
    return out;
}

// The attribute `key` of a comma-separated "k=v,..." message; nullopt when absent.
std::optional<std::string_view> attribute(std::string_view message, char key) {
    while (!message.empty()) {
        const auto comma = message.find(',');
        const auto part = message.substr(0, comma);
        if (part.size() >= 2 && part[0] == key && part[1] == '=') return part.substr(2);
        if (comma == std::string_view::npos) break;
        message.remove_prefix(comma + 1);
    }
    return std::nullopt;
}

}  // namespace

std::optional<ScramHash> scram_hash(std::string_view mechanism) {
    if (mechanism == "SCRAM-SHA-256") return ScramHash::sha256;
    if (mechanism == "SCRAM-SHA-512") return ScramHash::sha512;
    return std::nullopt;
}

std::string scram_nonce() {
    Bytes random(32);
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) throw std::runtime_error("no random bytes for a SCRAM nonce");
    return base64(random);
}

ScramClient::ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce)
    : hash_(hash), username_(std::move(username)), password_(std::move(password)), nonce_(std::move(nonce)) {}

std::string ScramClient::client_first() const { return "n,," + fmt::format("n={},r={}", escaped(username_), nonce_); }

std::optional<std::string> ScramClient::client_final(std::string_view server_first, std::string& error) {
    if (attribute(server_first, 'm')) {
        error = "the broker's first SCRAM message asks for an extension kgate does not know";
        return std::nullopt;
    }
    const auto nonce = attribute(server_first, 'r');
    const auto salt_text = attribute(server_first, 's');
    const auto iterations_text = attribute(server_first, 'i');
    if (!nonce || !salt_text || !iterations_text) {
        error = "the broker's first SCRAM message lacks its nonce, salt or iteration count";
        return std::nullopt;
    }
    if (nonce->size() <= nonce_.size() || nonce->substr(0, nonce_.size()) != nonce_) {
        error = "the broker's SCRAM nonce does not extend kgate's";
        return std::nullopt;
    }
    const auto salt = unbase64(*salt_text);
    long iterations = 0;
    const auto [end, ec] = std::from_chars(iterations_text->data(), iterations_text->data() + iterations_text->size(), iterations);
    if (!salt || salt->empty() || ec != std::errc{} || end != iterations_text->data() + iterations_text->size()) {
        error = "the broker's first SCRAM message has a malformed salt or iteration count";
        return std::nullopt;
    }
    if (iterations < kMinIterations || iterations > kMaxIterations) {
        error = fmt::format("the broker asks for {} SCRAM iterations (kgate takes {} to {})", iterations, kMinIterations, kMaxIterations);
        return std::nullopt;
    }

    Bytes salted(static_cast<std::size_t>(EVP_MD_get_size(digest_of(hash_))));
    PKCS5_PBKDF2_HMAC(password_.data(), static_cast<int>(password_.size()), salt->data(), static_cast<int>(salt->size()),
                      static_cast<int>(iterations), digest_of(hash_), static_cast<int>(salted.size()), salted.data());
    const Bytes client_key = hmac(hash_, salted, bytes_of("Client Key"));
    const Bytes stored_key = digest(hash_, client_key);
    const std::string without_proof = fmt::format("c=biws,r={}", *nonce);  // biws: base64 of "n,,"
    const std::string first_bare = client_first().substr(3);
    const Bytes auth_message = bytes_of(fmt::format("{},{},{}", first_bare, server_first, without_proof));
    Bytes proof = client_key;
    const Bytes signature = hmac(hash_, stored_key, auth_message);
    for (std::size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
    const Bytes server_key = hmac(hash_, salted, bytes_of("Server Key"));
    expected_server_signature_ = base64(hmac(hash_, server_key, auth_message));
    return fmt::format("{},p={}", without_proof, base64(proof));
}

bool ScramClient::server_final_ok(std::string_view server_final, std::string& error) const {
    if (const auto refused = attribute(server_final, 'e')) {
        error = fmt::format("the broker ended SCRAM with an error: {}", *refused);
        return false;
    }
    const auto verifier = attribute(server_final, 'v');
    if (!verifier || expected_server_signature_.empty() || *verifier != expected_server_signature_) {
        error = "the broker's SCRAM signature does not match: it does not know the password";
        return false;
    }
    return true;
}

}  // namespace kgate::gateway

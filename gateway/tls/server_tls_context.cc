#include "gateway/tls/server_tls_context.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "gateway/sni/sni_handshake.h"
#include "gateway/tls/tls_files.h"

namespace kgate::gateway {
namespace {

// OpenSSL's reason for the last failure, and its error queue emptied for the next call.
std::string openssl_reason() {
    std::string reason;
    while (const unsigned long e = ERR_get_error()) {
        const char* text = ERR_reason_error_string(e);
        reason = text != nullptr ? text : fmt::format("error {:#x}", e);  // the last is the most specific
    }
    return reason.empty() ? "unknown OpenSSL error" : reason;
}

bool readable(const char* setting, const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (in) return true;
    error = fmt::format("{}: \"{}\" cannot be read: {}", setting, path, std::strerror(errno));
    return false;
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string time_text(const ASN1_TIME* t) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    ASN1_TIME_print(bio.get(), t);
    return bio_text(bio.get());
}

CertificateSummary summarise(X509* leaf) {
    CertificateSummary s;
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(leaf), 0, XN_FLAG_RFC2253);
    s.subject = bio_text(bio.get());
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), nullptr)) {
        if (char* hex = BN_bn2hex(bn)) {
            s.serial = hex;
            OPENSSL_free(hex);
        }
        BN_free(bn);
    }
    s.not_after = time_text(X509_get0_notAfter(leaf));
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) == 1) s.expires = std::chrono::system_clock::from_time_t(timegm(&tm));
    return s;
}

// The one place where the certificate chain and key are judged: every problem tls_files finds
// (unreadable, not PEM, encrypted or mismatched key, chain order, dates), each naming its setting.
std::optional<TlsCredentials> checked_credentials(const ClientTls& settings, std::string& error) {
    auto checked = validate_tls_files({settings.certificate_file, settings.key_file, std::nullopt},
                                      std::chrono::system_clock::now(), CertificateUse::server);
    if (checked) return std::move(*checked);
    std::string all;
    for (const auto& problem : checked.error()) {
        if (!all.empty()) all += "; ";
        all += fmt::format("{}: {}", problem.path == settings.key_file ? "tls-key" : "tls-certificate", problem.message);
    }
    error = std::move(all);
    return std::nullopt;
}

// What was checked is what is loaded: the parsed leaf, its chain and its key, not the files read
// a second time.
bool use_credentials(SSL_CTX* ctx, const ClientTls& settings, const TlsCredentials& c, std::string& error) {
    const auto& certificates = c.chain.certificates;
    bool ok = !certificates.empty() && SSL_CTX_use_certificate(ctx, certificates.front().get()) == 1;
    for (std::size_t i = 1; ok && i < certificates.size(); ++i) ok = SSL_CTX_add1_chain_cert(ctx, certificates[i].get()) == 1;
    if (!ok) {
        error = fmt::format("tls-certificate: \"{}\": {}", settings.certificate_file, openssl_reason());
        return false;
    }
    if (SSL_CTX_use_PrivateKey(ctx, c.key.get()) != 1) {
        error = fmt::format("tls-key: \"{}\": {}", settings.key_file, openssl_reason());
        return false;
    }
    return true;
}

// The CA bundle, read once: its certificates verify clients' chains, their subjects are the
// names sent in the CertificateRequest, and its earliest expiry feeds the gauge.
std::optional<CertificateFile> load_client_ca(SSL_CTX* ctx, const ClientTls& settings, std::string& error) {
    const auto& path = settings.client_ca_file;
    if (!readable("tls-client-ca", path, error)) return std::nullopt;
    auto bundle = read_certificate_file(path, "CA bundle");
    if (!bundle) {
        error = fmt::format("tls-client-ca: \"{}\" holds no PEM CA certificate ({})", path, bundle.error().front().message);
        return std::nullopt;
    }
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const auto& certificate : bundle->certificates) {
        if (X509_STORE_add_cert(store, certificate.get()) != 1 || SSL_CTX_add_client_CA(ctx, certificate.get()) != 1) {
            error = fmt::format("tls-client-ca: \"{}\": {}", path, openssl_reason());
            return std::nullopt;
        }
    }
    int mode = SSL_VERIFY_PEER;
    if (settings.client_auth == ClientAuth::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
    return std::move(*bundle);
}

}  // namespace

ServerTlsContext::ServerTlsContext() : context_(boost::asio::ssl::context::tls_server) {}

std::shared_ptr<const ServerTlsContext> ServerTlsContext::load(const ClientTls& settings, std::string& error) {
    ERR_clear_error();
    if (!readable("tls-certificate", settings.certificate_file, error) || !readable("tls-key", settings.key_file, error)) return nullptr;
    std::shared_ptr<ServerTlsContext> loaded(new ServerTlsContext());
    SSL_CTX* ctx = loaded->context_.native_handle();
    // TLS 1.2 and 1.3 only, OpenSSL's default ciphers; no renegotiation, no compression.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    // Resumed sessions keep their client's verified certificate; OpenSSL refuses resumption
    // with client verification unless the sessions are tied to a context.
    static constexpr unsigned char kSessionContext[] = "kgate";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);
    install_sni_callback(ctx);  // acts on the SNI listener's connections only

    auto credentials = checked_credentials(settings, error);
    if (!credentials || !use_credentials(ctx, settings, *credentials, error)) return nullptr;
    loaded->client_auth_ = settings.client_auth;
    loaded->certificate_ = summarise(credentials->chain.certificates.front().get());
    loaded->certificate_.certificate_file = settings.certificate_file;
    loaded->certificate_.certificate_file_expires = credentials->chain.earliest_expiry;
    loaded->credentials_ = std::move(*credentials);
    if (settings.client_auth != ClientAuth::none) {
        const auto bundle = load_client_ca(ctx, settings, error);
        if (!bundle) return nullptr;
        loaded->certificate_.client_ca_file = settings.client_ca_file;
        loaded->certificate_.client_ca_file_expires = bundle->earliest_expiry;
    }
    return loaded;
}

bool ServerTlsContext::covers(std::string_view host) const { return covers_host(credentials_, host); }

std::optional<std::string> ServerTlsContext::uncovered_warning(const std::vector<std::string>& hosts) const {
    std::vector<std::string> uncovered;
    for (const auto& host : hosts) {
        if (!covers(host) && std::find(uncovered.begin(), uncovered.end(), host) == uncovered.end()) uncovered.push_back(host);
    }
    if (uncovered.empty()) return std::nullopt;
    const auto missing = fmt::format("{}", fmt::join(uncovered, ", "));
    return fmt::format("client TLS: the certificate ({}) does not cover {}, which clients are told to connect to: clients "
                       "that check host names (Java, librdkafka and Go do by default) will refuse the gateway there",
                       certificate_.subject, missing);
}

}  // namespace kgate::gateway

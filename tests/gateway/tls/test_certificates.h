#pragma once
// Certificates and keys made in memory for the TLS tests (P-256 keys: quick to make), written
// as PEM files into a temporary folder of their own.
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace kgate::gateway::testing {

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

Key make_key();
// Signed by `issuer_key` as `issuer` (itself when null), valid from now + `from_seconds` to
// now + `to_seconds`; a CA when `ca`. Subject CN `name`, an IP SAN 127.0.0.1.
Certificate make_certificate(EVP_PKEY* key, const std::string& name, long serial, long from_seconds, long to_seconds,
                             X509* issuer = nullptr, EVP_PKEY* issuer_key = nullptr, bool ca = false);

class CertificateFolder {
public:
    CertificateFolder();
    ~CertificateFolder();
    std::string write(const std::string& name, X509* certificate) const { return write_chain(name, {certificate}); }
    // The leaf first, then the rest of its chain, in one file.
    std::string write_chain(const std::string& name, std::initializer_list<X509*> certificates) const;
    std::string write(const std::string& name, EVP_PKEY* key) const;
    std::string write_text(const std::string& name, const std::string& text) const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace kgate::gateway::testing

#include "gateway/tls/test_certificates.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace kgate::gateway::testing {
namespace {

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) throw std::runtime_error("cannot make a certificate extension");
    X509_add_ext(certificate, ext, -1);
    X509_EXTENSION_free(ext);
}

}  // namespace

Key make_key() {
    Key key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("cannot make a P-256 key");
    return key;
}

Certificate make_certificate(EVP_PKEY* key, const std::string& name, long serial, long from_seconds, long to_seconds, X509* issuer,
                             EVP_PKEY* issuer_key, bool ca) {
    Certificate c(X509_new());
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), from_seconds);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), to_seconds);
    X509_set_pubkey(c.get(), key);
    X509_NAME* subject = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : c.get();
    X509_set_issuer_name(c.get(), X509_get_subject_name(signer));
    if (ca) {
        add_extension(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(c.get(), signer, NID_subject_alt_name, "IP:127.0.0.1");
    }
    if (X509_sign(c.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) throw std::runtime_error("cannot sign");
    return c;
}

CertificateFolder::CertificateFolder() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("kgate-tls-test-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
}

CertificateFolder::~CertificateFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string CertificateFolder::write_chain(const std::string& name, std::initializer_list<X509*> certificates) const {
    const auto file = (path_ / name).string();
    FILE* f = std::fopen(file.c_str(), "w");
    for (X509* c : certificates) PEM_write_X509(f, c);
    std::fclose(f);
    return file;
}

std::string CertificateFolder::write(const std::string& name, EVP_PKEY* key) const {
    const auto file = (path_ / name).string();
    FILE* f = std::fopen(file.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    return file;
}

std::string CertificateFolder::write_text(const std::string& name, const std::string& text) const {
    const auto file = (path_ / name).string();
    std::ofstream(file) << text;
    return file;
}

}  // namespace kgate::gateway::testing

#pragma once
// Reads and checks a TLS credential set: a PEM certificate file (the leaf first, then its
// chain), a PEM private key and, optionally, a CA bundle the chain must verify to. Every
// problem is named with the file and a reason an operator can act on; nothing throws. On
// success it holds what the operator wants to see and the parsed objects, so that a TLS
// context loads exactly what was checked.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "protocol/wire/result.h"

namespace kgate::gateway {

using SystemTime = std::chrono::system_clock::time_point;

// Which purpose the chain must be fit for when it is verified (extendedKeyUsage).
enum class CertificateUse { server, client };

struct TlsFilePaths {
    std::string certificate;               // PEM: leaf first, then each issuer in turn
    std::string key;                       // PEM: RSA, EC or Ed25519, unencrypted
    std::optional<std::string> ca_bundle;  // PEM: when given, the chain must verify to it
};

enum class TlsFileIssue {
    unreadable,       // missing, not a regular file, or a read error (errno's text)
    not_pem,          // no PEM block at all (DER is recognised and said so)
    no_certificate,   // PEM, but no CERTIFICATE block
    bad_certificate,  // a CERTIFICATE block OpenSSL cannot parse
    no_key,           // PEM, but no PRIVATE KEY block
    bad_key,          // a key block OpenSSL cannot parse
    encrypted_key,    // kgate has no passphrase setting
    key_mismatch,     // the key is not the leaf certificate's
    chain_order,      // a certificate is not followed by its issuer
    expired,          // a certificate in the file is past its notAfter
    not_yet_valid,    // a certificate in the file is before its notBefore
    untrusted,        // the chain does not verify to the CA bundle (OpenSSL's reason)
};

struct TlsFileProblem {
    TlsFileIssue issue;
    std::string path;     // the file at fault
    std::string message;  // a whole sentence, the path included
};

using TlsFileProblems = std::vector<TlsFileProblem>;

// Certificates read from one PEM file, in file order, with the earliest notAfter among them:
// the moment the file stops working, which is what expiry alerts watch.
struct CertificateFile {
    std::string path;
    std::vector<std::shared_ptr<X509>> certificates;
    SystemTime earliest_expiry;
};

// What a credential set that passed every check says.
struct TlsCredentials {
    std::string subject;                    // RFC 2253, e.g. CN=*.kafka.example.com
    std::string issuer;
    std::vector<std::string> dns_names;     // subjectAltName DNS entries as written
    std::vector<std::string> ip_addresses;  // subjectAltName IP entries, printed
    SystemTime not_before;
    SystemTime not_after;
    std::string sha256_fingerprint;  // of the leaf: "AB:CD:..." as openssl x509 -fingerprint prints it
    std::string key_type;            // "RSA 2048", "EC P-256", "Ed25519"
    CertificateFile chain;           // the certificate file: leaf first
    std::optional<CertificateFile> ca_bundle;
    std::shared_ptr<EVP_PKEY> key;

    // Certificates in the file, the leaf included.
    std::size_t chain_length() const { return chain.certificates.size(); }
};

using TlsFilesResult = protocol::BasicResult<TlsCredentials, TlsFileProblems>;
using CertificateFileResult = protocol::BasicResult<CertificateFile, TlsFileProblems>;

// Every check at `now`; all problems found, not just the first.
TlsFilesResult validate_tls_files(const TlsFilePaths& paths, SystemTime now, CertificateUse use = CertificateUse::server);

// A PEM file of certificates alone (a CA bundle); `what` names it in messages ("CA bundle").
CertificateFileResult read_certificate_file(const std::string& path, std::string_view what);

// Whether the leaf's subjectAltNames cover `host` (a DNS name, a trailing dot allowed, or an IP
// literal), as a client checking the server would: OpenSSL's X509_check_host/X509_check_ip,
// a wildcard standing for exactly one whole label, the subject's CN never consulted (Go and
// Java ignore it where SANs exist; current clients may ignore it altogether).
bool covers_host(const TlsCredentials& credentials, std::string_view host);

// "2026-12-03 17:30:00 UTC".
std::string utc_text(SystemTime t);

}  // namespace kgate::gateway

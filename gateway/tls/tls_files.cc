#include "gateway/tls/tls_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>

#include <arpa/inet.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace kgate::gateway {
namespace {

// Larger than any certificate bundle in use (the Mozilla roots are about 200 KiB); stops a
// mistyped path such as a log file or a device from being read whole.
constexpr off_t kMaxFileSize = 16 * 1024 * 1024;

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::shared_ptr<X509> own(X509* x) { return {x, X509_free}; }

// Drains OpenSSL's error queue; the first error is the cause, the later ones its context.
std::string openssl_error() {
    const unsigned long first = ERR_peek_error();
    ERR_clear_error();
    if (first == 0) return "unknown OpenSSL error";
    const char* reason = ERR_reason_error_string(first);
    const char* lib = ERR_lib_error_string(first);
    return fmt::format("{} ({})", reason ? reason : "unknown reason", lib ? lib : "OpenSSL");
}

// Never prompts (OpenSSL's default callback reads the terminal); notes that a passphrase was wanted.
int no_passphrase(char*, int, int, void* asked) {
    if (asked != nullptr) *static_cast<bool*>(asked) = true;
    return -1;
}

TlsFileProblem problem(TlsFileIssue issue, const std::string& path, std::string message) {
    return TlsFileProblem{issue, path, std::move(message)};
}

// The whole file, or why it cannot be had.
protocol::BasicResult<std::string, TlsFileProblem> read_whole(const std::string& path, std::string_view what) {
    const auto unreadable = [&](std::string_view why) {
        return problem(TlsFileIssue::unreadable, path, fmt::format("{} {}: cannot be read: {}", what, path, why));
    };
    const auto errno_text = [] { return std::generic_category().message(errno); };
    if (path.empty()) return unreadable("no path given");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return unreadable(errno_text());
    std::string bytes;
    struct stat st {};
    std::string why;
    if (::fstat(fd, &st) != 0) {
        why = errno_text();
    } else if (!S_ISREG(st.st_mode)) {
        why = S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
    } else if (st.st_size > kMaxFileSize) {
        why = fmt::format("it is {} bytes, more than a PEM file of certificates or keys could be", st.st_size);
    } else {
        bytes.resize(static_cast<std::size_t>(st.st_size));
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                why = errno_text();
                break;
            }
            if (n == 0) break;  // shrank while being read: take what is there
            done += static_cast<std::size_t>(n);
        }
        bytes.resize(done);
    }
    ::close(fd);
    if (!why.empty()) return unreadable(why);
    return bytes;
}

// The names of the PEM blocks in `text` ("CERTIFICATE", "PRIVATE KEY", ...), in order.
std::vector<std::string> pem_block_names(std::string_view text) {
    static constexpr std::string_view begin = "-----BEGIN ";
    std::vector<std::string> names;
    for (std::size_t at = text.find(begin); at != std::string_view::npos; at = text.find(begin, at + 1)) {
        const std::size_t start = at + begin.size();
        const std::size_t end = text.find("-----", start);
        if (end == std::string_view::npos) break;
        names.emplace_back(text.substr(start, end - start));
    }
    return names;
}

// Why a file without the wanted PEM block is not usable, in the operator's terms.
std::string missing_block(std::string_view text, std::string_view wanted, const std::vector<std::string>& found) {
    if (text.empty()) return "it is empty";
    if (found.empty()) {
        // DER starts with an ASN.1 SEQUENCE; saying so saves a guess.
        if (static_cast<unsigned char>(text.front()) == 0x30) {
            return "it is not PEM: it looks like DER (binary); convert it with openssl x509 -inform DER (or openssl pkey -inform DER for a key)";
        }
        return "it is not PEM: no -----BEGIN line";
    }
    return fmt::format("it holds no {} (PEM blocks found: {})", wanted, fmt::join(found, ", "));
}

BioPtr memory_bio(const std::string& bytes) {
    return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string name_text(const X509_NAME* name) {
    BioPtr out(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

SystemTime to_time(const ASN1_TIME* t) {
    std::tm tm{};
    ASN1_TIME_to_tm(t, &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string key_type(EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA: return fmt::format("RSA {}", EVP_PKEY_get_bits(key));
        case EVP_PKEY_ED25519: return "Ed25519";
        case EVP_PKEY_ED448: return "Ed448";
        case EVP_PKEY_EC: {
            char group[64] = {};
            std::size_t size = 0;
            if (EVP_PKEY_get_group_name(key, group, sizeof group, &size) != 1) return "EC";
            const char* nist = EC_curve_nid2nist(OBJ_sn2nid(group));
            return fmt::format("EC {}", nist ? nist : group);
        }
        default: {
            const char* name = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
            return name ? name : "unknown key type";
        }
    }
}

std::string fingerprint(X509* leaf) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    X509_digest(leaf, EVP_sha256(), digest, &size);
    std::string out;
    for (unsigned int i = 0; i < size; ++i) out += fmt::format("{}{:02X}", i == 0 ? "" : ":", digest[i]);
    return out;
}

void read_alt_names(X509* leaf, TlsCredentials& out) {
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS) {
            const ASN1_IA5STRING* dns = name->d.dNSName;
            out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                       static_cast<std::size_t>(ASN1_STRING_length(dns)));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* ip = name->d.iPAddress;
            const int length = ASN1_STRING_length(ip);
            char text[INET6_ADDRSTRLEN] = {};
            const int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
            if (family != 0 && inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text) != nullptr) out.ip_addresses.emplace_back(text);
        }
    }
    GENERAL_NAMES_free(names);
}

// "the certificate" for the leaf, "certificate 2 (CN=...)" for the chain after it.
std::string which_certificate(const CertificateFile& file, std::size_t index) {
    if (index == 0) return fmt::format("the certificate ({})", name_text(X509_get_subject_name(file.certificates[0].get())));
    return fmt::format("certificate {} ({})", index + 1, name_text(X509_get_subject_name(file.certificates[index].get())));
}

void check_dates(const CertificateFile& file, SystemTime now, TlsFileProblems& problems) {
    for (std::size_t i = 0; i < file.certificates.size(); ++i) {
        X509* cert = file.certificates[i].get();
        const SystemTime not_before = to_time(X509_get0_notBefore(cert));
        const SystemTime not_after = to_time(X509_get0_notAfter(cert));
        if (now > not_after) {
            problems.push_back(problem(TlsFileIssue::expired, file.path,
                                       fmt::format("certificate file {}: {} expired on {} (notAfter)", file.path,
                                                   which_certificate(file, i), utc_text(not_after))));
        } else if (now < not_before) {
            problems.push_back(problem(TlsFileIssue::not_yet_valid, file.path,
                                       fmt::format("certificate file {}: {} is not valid before {} (notBefore)", file.path,
                                                   which_certificate(file, i), utc_text(not_before))));
        }
    }
}

void check_order(const CertificateFile& file, TlsFileProblems& problems) {
    for (std::size_t i = 0; i + 1 < file.certificates.size(); ++i) {
        if (X509_check_issued(file.certificates[i + 1].get(), file.certificates[i].get()) == X509_V_OK) continue;
        problems.push_back(problem(TlsFileIssue::chain_order, file.path,
                                   fmt::format("certificate file {}: {} did not issue {}: the file must hold the leaf first, then each "
                                               "issuer in turn",
                                               file.path, which_certificate(file, i + 1), which_certificate(file, i))));
    }
}

protocol::BasicResult<std::shared_ptr<EVP_PKEY>, TlsFileProblem> read_key(const std::string& path) {
    auto bytes = read_whole(path, "key file");
    if (!bytes) return bytes.error();
    const std::string& text = bytes.value();
    const auto blocks = pem_block_names(text);
    const bool has_key = std::any_of(blocks.begin(), blocks.end(), [](const std::string& b) { return b.ends_with("PRIVATE KEY"); });
    if (!has_key) return problem(TlsFileIssue::no_key, path, fmt::format("key file {}: {}", path, missing_block(text, "private key", blocks)));
    ERR_clear_error();
    bool passphrase_asked = false;
    auto bio = memory_bio(text);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, &passphrase_asked);
    if (key == nullptr) {
        const std::string why = openssl_error();
        const bool encrypted = passphrase_asked || text.find("ENCRYPTED") != std::string::npos;
        if (encrypted) {
            return problem(TlsFileIssue::encrypted_key, path,
                           fmt::format("key file {}: the key is encrypted, and kgate has no passphrase setting: store it "
                                       "unencrypted (openssl pkey -in ENCRYPTED -out PLAIN) and protect the file's permissions",
                                       path));
        }
        return problem(TlsFileIssue::bad_key, path,
                       fmt::format("key file {}: the private key cannot be read (damaged, or of a type OpenSSL cannot use): {}", path, why));
    }
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

bool same_key(X509* cert, EVP_PKEY* key) { return EVP_PKEY_eq(X509_get0_pubkey(cert), key) == 1; }

void check_key(const CertificateFile& chain, const std::string& key_path, EVP_PKEY* key, TlsFileProblems& problems) {
    if (same_key(chain.certificates[0].get(), key)) return;
    for (std::size_t i = 1; i < chain.certificates.size(); ++i) {
        if (!same_key(chain.certificates[i].get(), key)) continue;
        problems.push_back(problem(TlsFileIssue::key_mismatch, key_path,
                                   fmt::format("key file {} belongs to {} in {}, not to the first: the leaf must come first",
                                               key_path, which_certificate(chain, i), chain.path)));
        return;
    }
    problems.push_back(problem(TlsFileIssue::key_mismatch, key_path,
                               fmt::format("key file {} does not match {} in {}", key_path, which_certificate(chain, 0), chain.path)));
}

// What the verify callback saw; time errors on the file's own certificates are check_dates' to report.
struct VerifyState {
    const CertificateFile* file = nullptr;
    int error = X509_V_OK;
    int depth = 0;
    std::string subject;
};

int verify_callback(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) return 1;
    auto* state = static_cast<VerifyState*>(X509_STORE_CTX_get_app_data(ctx));
    const int error = X509_STORE_CTX_get_error(ctx);
    X509* current = X509_STORE_CTX_get_current_cert(ctx);
    const bool dated = error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
    const auto& mine = state->file->certificates;
    if (dated && current != nullptr &&
        std::any_of(mine.begin(), mine.end(), [&](const std::shared_ptr<X509>& c) { return X509_cmp(c.get(), current) == 0; })) {
        return 1;
    }
    if (state->error == X509_V_OK) {
        state->error = error;
        state->depth = X509_STORE_CTX_get_error_depth(ctx);
        if (current != nullptr) state->subject = name_text(X509_get_subject_name(current));
    }
    return 0;
}

// Frees the stack, not the certificates it points to (the file's own shared pointers hold them).
void free_stack(STACK_OF(X509)* stack) { sk_X509_free(stack); }

void check_trust(const CertificateFile& chain, const CertificateFile& ca, SystemTime now, CertificateUse use, TlsFileProblems& problems) {
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
    for (const auto& cert : ca.certificates) X509_STORE_add_cert(store.get(), cert.get());
    std::unique_ptr<STACK_OF(X509), decltype(&free_stack)> untrusted(sk_X509_new_null(), free_stack);
    for (std::size_t i = 1; i < chain.certificates.size(); ++i) sk_X509_push(untrusted.get(), chain.certificates[i].get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
    VerifyState state;
    state.file = &chain;
    X509_STORE_CTX_init(ctx.get(), store.get(), chain.certificates[0].get(), untrusted.get());
    X509_STORE_CTX_set_app_data(ctx.get(), &state);
    X509_STORE_CTX_set_verify_cb(ctx.get(), verify_callback);
    X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(now));
    X509_STORE_CTX_set_purpose(ctx.get(), use == CertificateUse::server ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT);
    ERR_clear_error();
    if (X509_verify_cert(ctx.get()) == 1) return;
    if (state.error == X509_V_OK) state.error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    const std::string at = state.subject.empty() ? std::string() : fmt::format(" (at depth {}: {})", state.depth, state.subject);
    problems.push_back(problem(TlsFileIssue::untrusted, chain.path,
                               fmt::format("certificate file {} does not verify to CA bundle {}{}: {}{}", chain.path, ca.path,
                                           use == CertificateUse::server ? " as a server certificate" : " as a client certificate",
                                           X509_verify_cert_error_string(state.error), at)));
}

}  // namespace

std::string utc_text(SystemTime t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", tm);
}

CertificateFileResult read_certificate_file(const std::string& path, std::string_view what) {
    auto bytes = read_whole(path, what);
    if (!bytes) return TlsFileProblems{bytes.error()};
    const std::string& text = bytes.value();
    const auto blocks = pem_block_names(text);
    const bool has_certificate = std::any_of(blocks.begin(), blocks.end(), [](const std::string& b) { return b.ends_with("CERTIFICATE"); });
    if (!has_certificate) {
        const TlsFileIssue issue = blocks.empty() ? TlsFileIssue::not_pem : TlsFileIssue::no_certificate;
        return TlsFileProblems{problem(issue, path, fmt::format("{} {}: {}", what, path, missing_block(text, "certificate", blocks)))};
    }
    CertificateFile file{path, {}, SystemTime::max()};
    auto bio = memory_bio(text);
    ERR_clear_error();
    while (true) {
        X509* cert = PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr);
        if (cert == nullptr) {
            const unsigned long error = ERR_peek_last_error();
            if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) break;  // no more blocks
            return TlsFileProblems{problem(TlsFileIssue::bad_certificate, path,
                                           fmt::format("{} {}: certificate {} cannot be read: {}", what, path,
                                                       file.certificates.size() + 1, openssl_error()))};
        }
        file.certificates.push_back(own(cert));
        file.earliest_expiry = std::min(file.earliest_expiry, to_time(X509_get0_notAfter(cert)));
    }
    ERR_clear_error();
    if (file.certificates.empty()) {
        const std::string why = missing_block(text, "certificate", blocks);
        return TlsFileProblems{problem(TlsFileIssue::no_certificate, path, fmt::format("{} {}: {}", what, path, why))};
    }
    return file;
}

TlsFilesResult validate_tls_files(const TlsFilePaths& paths, SystemTime now, CertificateUse use) {
    TlsFileProblems problems;
    auto chain = read_certificate_file(paths.certificate, "certificate file");
    if (!chain) problems = chain.error();
    auto key = read_key(paths.key);
    if (!key) problems.push_back(key.error());
    std::optional<CertificateFile> ca;
    if (paths.ca_bundle) {
        auto bundle = read_certificate_file(*paths.ca_bundle, "CA bundle");
        if (bundle) ca = std::move(bundle).value();
        else problems.insert(problems.end(), bundle.error().begin(), bundle.error().end());
    }
    if (!chain) return problems;
    const CertificateFile& file = chain.value();
    if (key) check_key(file, paths.key, key.value().get(), problems);
    check_order(file, problems);
    check_dates(file, now, problems);
    if (ca) check_trust(file, *ca, now, use, problems);
    if (!problems.empty()) return problems;

    X509* leaf = file.certificates[0].get();
    TlsCredentials out;
    out.subject = name_text(X509_get_subject_name(leaf));
    out.issuer = name_text(X509_get_issuer_name(leaf));
    read_alt_names(leaf, out);
    out.not_before = to_time(X509_get0_notBefore(leaf));
    out.not_after = to_time(X509_get0_notAfter(leaf));
    out.sha256_fingerprint = fingerprint(leaf);
    out.key_type = key_type(key.value().get());
    out.key = std::move(key).value();
    out.chain = std::move(chain).value();
    out.ca_bundle = std::move(ca);
    return out;
}

bool covers_host(const TlsCredentials& credentials, std::string_view host) {
    if (credentials.chain.certificates.empty() || host.empty() || host.find('\0') != std::string_view::npos) return false;
    if (host.back() == '.') host.remove_suffix(1);
    X509* leaf = credentials.chain.certificates[0].get();
    const std::string text(host);
    unsigned char address[16];
    if (inet_pton(AF_INET, text.c_str(), address) == 1 || inet_pton(AF_INET6, text.c_str(), address) == 1) {
        return X509_check_ip_asc(leaf, text.c_str(), 0) == 1;
    }
    return X509_check_host(leaf, text.data(), text.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                           nullptr) == 1;
}

}  // namespace kgate::gateway

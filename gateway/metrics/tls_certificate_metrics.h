#pragma once
// kgate_tls_certificate_expiry_timestamp_seconds{role, file}: when each certificate file kgate
// uses stops working (the earliest notAfter in it), in Unix seconds, for alerts such as
// `kgate_tls_certificate_expiry_timestamp_seconds - time() < 14 * 86400`. Set at start-up and
// again on every reload; never touched on the data path.
#include <chrono>
#include <string>
#include <string_view>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace kgate::gateway {

struct CertificateFile;
struct CertificateSummary;

// What a certificate file is to kgate: its own server certificate, the CA bundle client
// certificates are checked against, the one brokers' are checked against, its own client
// certificate towards brokers.
enum class CertificateRole { server, client_ca, upstream_ca, upstream_client };

std::string_view role_label(CertificateRole role);

class TlsCertificateMetrics {
public:
    explicit TlsCertificateMetrics(prometheus::Registry& registry);
    TlsCertificateMetrics(const TlsCertificateMetrics&) = delete;
    TlsCertificateMetrics& operator=(const TlsCertificateMetrics&) = delete;

    // Sets (or replaces, on reload) the file's expiry.
    void set_expiry(CertificateRole role, const std::string& file, std::chrono::system_clock::time_point expiry);
    // From what tls_files read: the earliest notAfter among the file's certificates.
    void set_expiry(CertificateRole role, const CertificateFile& file);
    // What client-facing TLS serves with now (at start-up and after each reload): its
    // certificate file and, when client certificates are checked, its CA bundle.
    void set_client_tls(const CertificateSummary& serving);
    // A file kgate no longer uses (a reload that changed the path): its series goes away.
    void remove(CertificateRole role, const std::string& file);

private:
    prometheus::Family<prometheus::Gauge>& expiry_;
};

}  // namespace kgate::gateway

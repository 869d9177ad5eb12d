#include "gateway/metrics/tls_certificate_metrics.h"

#include "gateway/tls/certificate_summary.h"
#include "gateway/tls/tls_files.h"

namespace kgate::gateway {
namespace {

prometheus::Labels labels(CertificateRole role, const std::string& file) {
    return {{"role", std::string(role_label(role))}, {"file", file}};
}

}  // namespace

std::string_view role_label(CertificateRole role) {
    switch (role) {
        case CertificateRole::server: return "server";
        case CertificateRole::client_ca: return "client_ca";
        case CertificateRole::upstream_ca: return "upstream_ca";
        case CertificateRole::upstream_client: return "upstream_client";
    }
    return "unknown";
}

TlsCertificateMetrics::TlsCertificateMetrics(prometheus::Registry& registry)
    : expiry_(prometheus::BuildGauge()
                  .Name("kgate_tls_certificate_expiry_timestamp_seconds")
                  .Help("When each TLS certificate file stops working: the earliest notAfter among its certificates, in Unix seconds")
                  .Register(registry)) {}

void TlsCertificateMetrics::set_expiry(CertificateRole role, const std::string& file, std::chrono::system_clock::time_point expiry) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expiry.time_since_epoch()).count();
    expiry_.Add(labels(role, file)).Set(static_cast<double>(seconds));  // Add returns the existing child for equal labels
}

void TlsCertificateMetrics::set_client_tls(const CertificateSummary& serving) {
    set_expiry(CertificateRole::server, serving.certificate_file, serving.certificate_file_expires);
    if (!serving.client_ca_file.empty()) set_expiry(CertificateRole::client_ca, serving.client_ca_file, serving.client_ca_file_expires);
}

void TlsCertificateMetrics::set_expiry(CertificateRole role, const CertificateFile& file) {
    set_expiry(role, file.path, file.earliest_expiry);
}

void TlsCertificateMetrics::remove(CertificateRole role, const std::string& file) {
    const prometheus::Labels wanted = labels(role, file);
    if (expiry_.Has(wanted)) expiry_.Remove(&expiry_.Add(wanted));
}

}  // namespace kgate::gateway

#include "gateway/metrics/tls_certificate_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "gateway/metrics/gateway_metrics.h"
#include "gateway/tls/tls_files.h"

namespace kgate::gateway {
namespace {

constexpr const char* kName = "kgate_tls_certificate_expiry_timestamp_seconds";

// The gauge's series as "role file" -> value.
std::map<std::string, double> series(const prometheus::Registry& registry) {
    std::map<std::string, double> out;
    for (const auto& family : registry.Collect()) {
        if (family.name != kName) continue;
        for (const auto& metric : family.metric) {
            std::string role;
            std::string file;
            for (const auto& label : metric.label) (label.name == "role" ? role : file) = label.value;
            out[role + " " + file] = metric.gauge.value;
        }
    }
    return out;
}

std::chrono::system_clock::time_point at(std::time_t seconds) { return std::chrono::system_clock::from_time_t(seconds); }

TEST(TlsCertificateMetrics, RegisteredOnTheGatewayRegistry) {
    GatewayMetrics metrics;
    metrics.tls_certificates().set_expiry(CertificateRole::server, "/etc/kgate/server.pem", at(1924992000));
    EXPECT_EQ(series(metrics.registry()), (std::map<std::string, double>{{"server /etc/kgate/server.pem", 1924992000.0}}));
    const auto text = prometheus::TextSerializer().Serialize(metrics.registry().Collect());
    EXPECT_NE(text.find("# TYPE kgate_tls_certificate_expiry_timestamp_seconds gauge"), std::string::npos) << text;
    EXPECT_NE(text.find("kgate_tls_certificate_expiry_timestamp_seconds{file=\"/etc/kgate/server.pem\",role=\"server\"} 1924992000"),
              std::string::npos)
        << text;
}

TEST(TlsCertificateMetrics, ReloadReplacesAndRemoves) {
    prometheus::Registry registry;
    TlsCertificateMetrics metrics(registry);
    metrics.set_expiry(CertificateRole::server, "/a.pem", at(1000));
    metrics.set_expiry(CertificateRole::client_ca, "/ca.pem", at(2000));
    metrics.set_expiry(CertificateRole::upstream_ca, "/ca.pem", at(3000));  // one file, two roles: two series
    metrics.set_expiry(CertificateRole::server, "/a.pem", at(5000));        // reloaded
    EXPECT_EQ(series(registry), (std::map<std::string, double>{{"server /a.pem", 5000.0}, {"client_ca /ca.pem", 2000.0}, {"upstream_ca /ca.pem", 3000.0}}));
    metrics.remove(CertificateRole::client_ca, "/ca.pem");
    metrics.remove(CertificateRole::client_ca, "/never-set.pem");  // nothing to remove: no effect
    EXPECT_EQ(series(registry), (std::map<std::string, double>{{"server /a.pem", 5000.0}, {"upstream_ca /ca.pem", 3000.0}}));
}

TEST(TlsCertificateMetrics, FromACertificateFileTheEarliestExpiry) {
    prometheus::Registry registry;
    TlsCertificateMetrics metrics(registry);
    CertificateFile file{"/chain.pem", {}, at(1767225600)};
    metrics.set_expiry(CertificateRole::upstream_client, file);
    EXPECT_EQ(series(registry), (std::map<std::string, double>{{"upstream_client /chain.pem", 1767225600.0}}));
}

TEST(TlsCertificateMetrics, RoleLabels) {
    EXPECT_EQ(role_label(CertificateRole::server), "server");
    EXPECT_EQ(role_label(CertificateRole::client_ca), "client_ca");
    EXPECT_EQ(role_label(CertificateRole::upstream_ca), "upstream_ca");
    EXPECT_EQ(role_label(CertificateRole::upstream_client), "upstream_client");
}

}  // namespace
}  // namespace kgate::gateway

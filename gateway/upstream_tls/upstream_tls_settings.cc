#include "gateway/upstream_tls/upstream_tls_settings.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "gateway/tls/sni_names.h"
#include "gateway/tls/tls_files.h"

namespace kgate::gateway {
namespace {

bool ip_literal(const std::string& host) {
    unsigned char address[16];
    return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

std::string describe(const UpstreamTls& tls) {
    if (!tls.enabled) return "off";
    std::string out = fmt::format("on (CA {}", tls.ca_file.empty() ? "the system's trust store" : tls.ca_file);
    if (!tls.server_name.empty()) out += fmt::format(", name {}", tls.server_name);
    if (tls.has_client_certificate()) out += fmt::format(", client certificate {}", tls.certificate_file);
    if (!tls.verify) out += ", BROKER CERTIFICATES NOT VERIFIED";
    return out + ")";
}

std::vector<std::string> upstream_tls_problems(const UpstreamTls& tls, std::string_view where, std::chrono::system_clock::time_point now) {
    std::vector<std::string> problems;
    if (!tls.enabled) {
        if (!tls.ca_file.empty() || !tls.certificate_file.empty() || !tls.key_file.empty() || !tls.server_name.empty() || !tls.verify) {
            problems.push_back(fmt::format("{}: ca, certificate, key, server-name or insecure-skip-verify given with TLS off; set enabled: true "
                                           "or drop them",
                                           where));
        }
        return problems;
    }
    if (tls.certificate_file.empty() != tls.key_file.empty()) {
        problems.push_back(fmt::format("{}: certificate and key: give both (kgate's client certificate towards the brokers) or neither", where));
    }
    if (!tls.server_name.empty() && !ip_literal(tls.server_name)) {
        if (auto why = server_name_problem(tls.server_name)) problems.push_back(fmt::format("{}: server-name: {}", where, *why));
    }
    if (!tls.ca_file.empty()) {
        if (auto ca = read_certificate_file(tls.ca_file, "CA bundle"); !ca) {
            for (const auto& p : ca.error()) problems.push_back(fmt::format("{}: ca: {}", where, p.message));
        }
    }
    if (tls.has_client_certificate() && !tls.key_file.empty()) {
        auto checked = validate_tls_files({tls.certificate_file, tls.key_file, std::nullopt}, now, CertificateUse::client);
        if (!checked) {
            for (const auto& p : checked.error()) {
                problems.push_back(fmt::format("{}: {}: {}", where, p.path == tls.key_file ? "key" : "certificate", p.message));
            }
        }
    }
    return problems;
}

std::string verified_name(const UpstreamTls& tls, std::string_view advertised_host, std::string_view dialled_host) {
    if (!tls.server_name.empty()) return tls.server_name;
    if (!advertised_host.empty()) return std::string(advertised_host);
    return std::string(dialled_host);
}

}  // namespace kgate::gateway

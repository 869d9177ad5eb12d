#include "gateway/tls/tls_check.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace kgate::gateway {
namespace {

std::string listed(const std::vector<std::string>& items) { return items.empty() ? "(none)" : fmt::format("{}", fmt::join(items, ", ")); }

std::string count_of(std::size_t n, std::string_view what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

void print_summary(const TlsCredentials& c, SystemTime now, std::ostream& out) {
    const auto days_left = std::chrono::duration_cast<std::chrono::hours>(c.not_after - now).count() / 24;
    fmt::print(out, "certificate file  {} ({})\n", c.chain.path, count_of(c.chain_length(), "certificate"));
    fmt::print(out, "subject           {}\n", c.subject);
    fmt::print(out, "issuer            {}\n", c.issuer);
    fmt::print(out, "DNS names         {}\n", listed(c.dns_names));
    fmt::print(out, "IP addresses      {}\n", listed(c.ip_addresses));
    fmt::print(out, "valid             {} to {} ({} days left)\n", utc_text(c.not_before), utc_text(c.not_after), days_left);
    if (c.chain.earliest_expiry < c.not_after) {
        fmt::print(out, "chain expires     {} (a certificate after the leaf)\n", utc_text(c.chain.earliest_expiry));
    }
    fmt::print(out, "key               {}, matches the certificate\n", c.key_type);
    fmt::print(out, "SHA-256           {}\n", c.sha256_fingerprint);
    if (c.ca_bundle) {
        fmt::print(out, "CA bundle         {} ({}): the chain verifies to it\n", c.ca_bundle->path,
                   count_of(c.ca_bundle->certificates.size(), "certificate"));
    }
}

}  // namespace

TlsCheckOutcome check_tls_files(const TlsFilePaths& paths, const std::vector<std::string>& hosts, SystemTime now, std::ostream& out,
                                std::ostream& err, CertificateUse use) {
    const auto checked = validate_tls_files(paths, now, use);
    if (!checked) {
        for (const auto& problem : checked.error()) fmt::print(err, "kgate: {}\n", problem.message);
        fmt::print(err, "kgate: {} with the TLS files\n", count_of(checked.error().size(), "problem"));
        return {};
    }
    print_summary(checked.value(), now, out);
    TlsCheckOutcome outcome{true, true};
    for (const auto& host : hosts) {
        const bool covered = covers_host(checked.value(), host);
        fmt::print(out, "host {}: {}\n", host, covered ? "covered" : "NOT covered by the certificate's names");
        outcome.hosts_covered = outcome.hosts_covered && covered;
    }
    return outcome;
}

}  // namespace kgate::gateway

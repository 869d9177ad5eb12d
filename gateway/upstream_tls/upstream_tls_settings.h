#pragma once
// How kgate reaches brokers over TLS: the cluster's default (upstream-tls in the configuration)
// and each route's own (an `overrides` entry's tls, or PutRoute), a plain value that routes,
// the route store and the admin API carry. No OpenSSL here; gateway/upstream_tls/ loads it.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::gateway {

struct UpstreamTls {
    bool enabled = false;
    std::string ca_file;           // PEM bundle broker certificates must verify to; empty: the system's trust store
    std::string certificate_file;  // kgate's client certificate towards brokers (with key_file); empty: none
    std::string key_file;
    std::string server_name;       // verified (and sent as SNI) instead of the host the broker advertises
    bool verify = true;            // false only through insecure-skip-verify, and logged loudly

    bool has_client_certificate() const { return !certificate_file.empty(); }
    friend bool operator==(const UpstreamTls&, const UpstreamTls&) = default;
};

// For logs and check-config: "off", or "on (CA ..., name ..., client certificate ...)".
std::string describe(const UpstreamTls& tls);

// Every problem with the settings and the files they name, each message starting with `where`
// (the setting: "upstream-tls", "overrides: node 2: tls", "PutRoute tls"). Empty when usable.
std::vector<std::string> upstream_tls_problems(const UpstreamTls& tls, std::string_view where, std::chrono::system_clock::time_point now);

// The name a broker's certificate is checked against: the override, else the host the broker
// advertises, else the host dialled (a bootstrap server).
std::string verified_name(const UpstreamTls& tls, std::string_view advertised_host, std::string_view dialled_host);

}  // namespace kgate::gateway

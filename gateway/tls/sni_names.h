#pragma once
// The host names one TLS port answers to, told apart by the ClientHello's SNI: a bootstrap
// name (kafka.example.com) and one name per broker from a pattern with a single {node}
// (broker-{node}.kafka.example.com). Pure logic: checked once when configured, then matched
// per handshake without allocating.
//
// Node ids: Kafka brokers have node.id >= 0 (-1 means "no node" in the protocol) and KoP's are
// Murmur3 hashes masked to 0..2147483647, so names exist for 0 up to INT32_MAX, written in
// plain decimal: no sign and no leading zero, so that one node has exactly one name.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire/result.h"

namespace kgate::gateway {

// The settings' names, as messages give them.
inline constexpr std::string_view kSniBootstrapNameSetting = "sni-bootstrap-name";
inline constexpr std::string_view kSniBrokerPatternSetting = "sni-broker-pattern";
inline constexpr std::string_view kSniNodePlaceholder = "{node}";

struct SniTarget {
    enum class Kind { unknown, bootstrap, broker };
    Kind kind = Kind::unknown;
    std::int32_t node_id = 0;  // meaningful for broker only

    static SniTarget bootstrap() { return {Kind::bootstrap, 0}; }
    static SniTarget broker(std::int32_t id) { return {Kind::broker, id}; }
    friend bool operator==(const SniTarget&, const SniTarget&) = default;
};

class SniNames;
using SniNamesResult = protocol::BasicResult<SniNames, std::vector<std::string>>;

class SniNames {
public:
    // Every problem with either setting, each message naming its setting.
    static SniNamesResult parse(std::string_view bootstrap_name, std::string_view broker_pattern);

    const std::string& bootstrap_name() const { return bootstrap_; }
    std::string pattern() const { return prefix_ + std::string(kSniNodePlaceholder) + suffix_; }
    // The broker's name, in the pattern's own letter case; nullopt for a negative id.
    std::optional<std::string> name_for(std::int32_t node_id) const;
    // What a ClientHello's server name asks for: case-insensitive, one trailing dot accepted.
    SniTarget match(std::string_view sni_host) const;

private:
    SniNames(std::string bootstrap, std::string prefix, std::string suffix)
        : bootstrap_(std::move(bootstrap)), prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
    // The node whose name `host` is (no trailing dot); nullopt when none.
    std::optional<std::int32_t> node_named(std::string_view host) const;

    std::string bootstrap_;
    std::string prefix_;  // the pattern before {node}
    std::string suffix_;  // and after it
};

// Why `name` cannot be a TLS server name (RFC 1123 letters, digits and hyphens, labels of 1-63
// characters, 253 in all, not an IP address); nullopt when it can.
std::optional<std::string> server_name_problem(std::string_view name);

}  // namespace kgate::gateway

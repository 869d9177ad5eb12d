#include "gateway/tls/sni_names.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace kgate::gateway {
namespace {

constexpr std::size_t kMaxName = 253;
constexpr std::size_t kMaxLabel = 63;
constexpr std::int32_t kLargestNode = std::numeric_limits<std::int32_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_text(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// The node id `digits` spells in its only form (no sign, no leading zero); nullopt otherwise.
std::optional<std::int32_t> canonical_node_id(std::string_view digits) {
    if (digits.empty() || digits.size() > 10 || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
    if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
    std::int64_t value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    if (value > kLargestNode) return std::nullopt;
    return static_cast<std::int32_t>(value);
}

std::string substituted(std::string_view prefix, std::int32_t node_id, std::string_view suffix) {
    return fmt::format("{}{}{}", prefix, node_id, suffix);
}

}  // namespace

std::optional<std::string> server_name_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.back() == '.') return "ends with '.': write the name without the trailing dot";
    if (name.size() > kMaxName) return fmt::format("is {} characters long, more than a DNS name may have ({})", name.size(), kMaxName);
    std::size_t label_start = 0;
    bool last_label_has_letter = false;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i < name.size() && name[i] != '.') {
            const char c = name[i];
            if (c == '_') return "contains '_', which Java clients refuse in a TLS server name";
            if (c == '*') return "contains '*': clients ask for a full name (a wildcard belongs in the certificate)";
            if (!is_letter(c) && !is_digit(c) && c != '-') return fmt::format("contains '{}', which no DNS name may", c);
            continue;
        }
        const std::string_view label = name.substr(label_start, i - label_start);
        if (label.empty()) return "has an empty label";
        if (label.size() > kMaxLabel) {
            return fmt::format("has the label \"{}\" of {} characters, more than a DNS label may have ({})", label, label.size(), kMaxLabel);
        }
        if (label.front() == '-' || label.back() == '-') return fmt::format("has the label \"{}\", which starts or ends with '-'", label);
        last_label_has_letter = std::any_of(label.begin(), label.end(), is_letter);
        label_start = i + 1;
    }
    // An all-digit top label reads as an IPv4 address (SNI carries names only) or is no DNS name.
    if (!last_label_has_letter) return "ends in an all-digit label: SNI carries host names, never IP addresses";
    return std::nullopt;
}

SniNamesResult SniNames::parse(std::string_view bootstrap_name, std::string_view broker_pattern) {
    std::vector<std::string> problems;
    if (auto problem = server_name_problem(bootstrap_name)) {
        problems.push_back(fmt::format("{}: \"{}\" {}", kSniBootstrapNameSetting, bootstrap_name, *problem));
    }
    const std::size_t at = broker_pattern.find(kSniNodePlaceholder);
    const bool one_placeholder =
        at != std::string_view::npos && broker_pattern.find(kSniNodePlaceholder, at + kSniNodePlaceholder.size()) == std::string_view::npos;
    std::string prefix;
    std::string suffix;
    if (!one_placeholder) {
        problems.push_back(fmt::format("{}: \"{}\" must hold {} exactly once (e.g. broker-{}.kafka.example.com)", kSniBrokerPatternSetting,
                                       broker_pattern, kSniNodePlaceholder, kSniNodePlaceholder));
    } else {
        prefix = broker_pattern.substr(0, at);
        suffix = broker_pattern.substr(at + kSniNodePlaceholder.size());
        if (prefix.find_first_of("{}") != std::string::npos || suffix.find_first_of("{}") != std::string::npos) {
            problems.push_back(fmt::format("{}: \"{}\" may hold no braces but those of {}", kSniBrokerPatternSetting, broker_pattern,
                                           kSniNodePlaceholder));
        } else {
            // The shortest and the longest names: syntax shows on the first, lengths on the second.
            for (const std::int32_t node : {0, kLargestNode}) {
                const std::string name = substituted(prefix, node, suffix);
                if (auto problem = server_name_problem(name)) {
                    problems.push_back(fmt::format("{}: \"{}\" gives \"{}\" for node {}, which {}", kSniBrokerPatternSetting, broker_pattern,
                                                   name, node, *problem));
                    break;
                }
            }
        }
    }
    if (!problems.empty()) return problems;
    SniNames names(std::string(bootstrap_name), std::move(prefix), std::move(suffix));
    if (const auto node = names.node_named(bootstrap_name)) {
        return std::vector<std::string>{fmt::format("{}: \"{}\" is node {}'s name under {} \"{}\": give bootstrap a name of its own",
                                                    kSniBootstrapNameSetting, bootstrap_name, *node, kSniBrokerPatternSetting,
                                                    broker_pattern)};
    }
    return names;
}

std::optional<std::string> SniNames::name_for(std::int32_t node_id) const {
    if (node_id < 0) return std::nullopt;
    return substituted(prefix_, node_id, suffix_);
}

std::optional<std::int32_t> SniNames::node_named(std::string_view host) const {
    if (host.size() <= prefix_.size() + suffix_.size()) return std::nullopt;
    if (!same_text(host.substr(0, prefix_.size()), prefix_) || !same_text(host.substr(host.size() - suffix_.size()), suffix_)) {
        return std::nullopt;
    }
    return canonical_node_id(host.substr(prefix_.size(), host.size() - prefix_.size() - suffix_.size()));
}

SniTarget SniNames::match(std::string_view sni_host) const {
    if (!sni_host.empty() && sni_host.back() == '.') sni_host.remove_suffix(1);
    if (same_text(sni_host, bootstrap_)) return SniTarget::bootstrap();
    if (const auto node = node_named(sni_host)) return SniTarget::broker(*node);
    return {};
}

}  // namespace kgate::gateway

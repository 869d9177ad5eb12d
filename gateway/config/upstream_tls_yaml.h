#pragma once
// The configuration file's form of upstream TLS, at the top level (upstream-tls) and in an
// `overrides` entry (tls): `true`/`false`, or a mapping of enabled, ca, certificate, key,
// server-name and insecure-skip-verify. A mapping without `enabled` turns TLS on.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gateway/upstream_tls/upstream_tls_settings.h"

namespace kgate::gateway {

// False (and every problem, each naming `where` and the field) when the node is not of that form.
bool parse_upstream_tls(const YAML::Node& node, const std::string& where, UpstreamTls& out, std::vector<std::string>& problems);

}  // namespace kgate::gateway

#include "gateway/config/upstream_tls_yaml.h"

#include <fmt/format.h>

#include "gateway/config/yaml_scalar.h"

namespace kgate::gateway {

bool parse_upstream_tls(const YAML::Node& node, const std::string& where, UpstreamTls& out, std::vector<std::string>& problems) {
    UpstreamTls tls;
    if (node.IsScalar()) {
        if (!scalar(node, where, tls.enabled, problems)) return false;
        out = tls;
        return true;
    }
    if (!node.IsMap()) {
        problems.push_back(fmt::format("{}: must be true, false or a mapping of enabled, ca, certificate, key, server-name, "
                                       "insecure-skip-verify",
                                       where));
        return false;
    }
    tls.enabled = true;
    bool ok = true;
    for (const auto& kv : node) {
        const auto name = kv.first.as<std::string>();
        const std::string at = where + "." + name;
        if (name == "enabled") ok &= scalar(kv.second, at, tls.enabled, problems);
        else if (name == "ca") ok &= scalar(kv.second, at, tls.ca_file, problems);
        else if (name == "certificate") ok &= scalar(kv.second, at, tls.certificate_file, problems);
        else if (name == "key") ok &= scalar(kv.second, at, tls.key_file, problems);
        else if (name == "server-name") ok &= scalar(kv.second, at, tls.server_name, problems);
        else if (name == "insecure-skip-verify") {
            bool skip = false;
            ok &= scalar(kv.second, at, skip, problems);
            tls.verify = !skip;
        } else {
            problems.push_back(fmt::format("{}: unknown setting \"{}\" (enabled, ca, certificate, key, server-name, insecure-skip-verify)",
                                           where, name));
            ok = false;
        }
    }
    if (ok) out = tls;
    return ok;
}

}  // namespace kgate::gateway

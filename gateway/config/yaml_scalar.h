#pragma once
// One YAML value read as T, or a problem naming `where` and the value: the configuration
// file's readers share it.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace kgate::gateway {

template <class T>
bool scalar(const YAML::Node& node, const std::string& where, T& out, std::vector<std::string>& problems) {
    try {
        out = node.as<T>();
        return true;
    } catch (const YAML::Exception&) {
        problems.push_back(fmt::format("{}: \"{}\" is not a valid value", where, node.IsScalar() ? node.Scalar() : "(not a scalar)"));
        return false;
    }
}

}  // namespace kgate::gateway

#include "gateway/routing/route_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kgate::gateway {
namespace {

void write_all_and_sync(const std::filesystem::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw RouteStoreError(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw RouteStoreError(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throw RouteStoreError(fmt::format("cannot sync {}: {}", path.string(), std::strerror(err)));
    }
    ::close(fd);
}

nlohmann::json to_json(const HostPort& hp) { return {{"host", hp.host}, {"port", hp.port}}; }

HostPort host_port_from(const nlohmann::json& j) {
    HostPort hp;
    hp.host = j.at("host").get<std::string>();
    const int port = j.at("port").get<int>();
    if (port < 1 || port > 65535) throw std::out_of_range("port");
    hp.port = static_cast<std::uint16_t>(port);
    return hp;
}

// A route's upstream TLS as PutRoute set it; paths only, never a file's contents.
nlohmann::json to_json(const UpstreamTls& t) {
    return {{"enabled", t.enabled}, {"ca", t.ca_file},          {"certificate", t.certificate_file},
            {"key", t.key_file},    {"server_name", t.server_name}, {"verify", t.verify}};
}

UpstreamTls upstream_tls_from(const nlohmann::json& j) {
    UpstreamTls t;
    t.enabled = j.at("enabled").get<bool>();
    t.ca_file = j.at("ca").get<std::string>();
    t.certificate_file = j.at("certificate").get<std::string>();
    t.key_file = j.at("key").get<std::string>();
    t.server_name = j.at("server_name").get<std::string>();
    t.verify = j.at("verify").get<bool>();
    return t;
}

// Operator overrides: only the fields that are set.
nlohmann::json to_json(const RouteOverrides& o) {
    nlohmann::json j = nlohmann::json::object();
    if (o.upstream) j["upstream"] = to_json(*o.upstream);
    if (o.advertised_host) j["advertised_host"] = *o.advertised_host;
    if (o.advertised_port) j["advertised_port"] = *o.advertised_port;
    if (o.tls) j["tls"] = to_json(*o.tls);
    return j;
}

RouteOverrides overrides_from(const nlohmann::json& j) {
    if (!j.is_object()) throw std::runtime_error("admin is not an object");
    RouteOverrides o;
    for (const auto& [key, value] : j.items()) {
        if (key == "upstream") {
            o.upstream = host_port_from(value);
        } else if (key == "advertised_host") {
            o.advertised_host = value.get<std::string>();
        } else if (key == "advertised_port") {
            const int port = value.get<int>();
            if (port < 1 || port > 65535) throw std::out_of_range("advertised_port");
            o.advertised_port = static_cast<std::uint16_t>(port);
        } else if (key == "tls") {
            o.tls = upstream_tls_from(value);
        } else {
            throw std::runtime_error("unknown admin override \"" + key + "\"");
        }
    }
    return o;
}

}  // namespace

RouteStore::RouteStore(std::filesystem::path state_dir) : dir_(std::move(state_dir)), file_(dir_ / "routes.json") {}

std::vector<BrokerRoute> RouteStore::load() const {
    std::error_code ec;
    if (!std::filesystem::exists(file_, ec)) return {};
    std::ifstream in(file_);
    if (!in) throw RouteStoreError(fmt::format("cannot read {}", file_.string()));
    std::stringstream text;
    text << in.rdbuf();
    std::vector<BrokerRoute> routes;
    try {
        const auto doc = nlohmann::json::parse(text.str());
        if (doc.at("format").get<int>() != 1) throw std::runtime_error("unknown format version");
        for (const auto& r : doc.at("routes")) {
            BrokerRoute route;
            route.node_id = r.at("node_id").get<std::int32_t>();
            const int port = r.at("listen_port").get<int>();
            if (port < 1 || port > 65535) throw std::out_of_range("listen_port");
            route.listen_port = static_cast<std::uint16_t>(port);
            // Absent for a route only configured so far (no Metadata has named the broker yet).
            if (r.contains("broker_advertised")) route.broker_advertised = host_port_from(r.at("broker_advertised"));
            if (r.contains("upstream_override")) route.upstream_override = host_port_from(r.at("upstream_override"));
            if (r.contains("client_advertised")) route.client_advertised = host_port_from(r.at("client_advertised"));
            if (r.contains("admin")) route.admin = overrides_from(r.at("admin"));
            routes.push_back(std::move(route));
        }
    } catch (const std::exception& e) {
        throw RouteStoreError(fmt::format("{} is corrupt ({}); fix or remove it: kgate will not guess routes", file_.string(), e.what()));
    }
    return routes;
}

void RouteStore::save(const std::vector<BrokerRoute>& routes) const {
    std::filesystem::create_directories(dir_);
    nlohmann::json doc{{"format", 1}, {"routes", nlohmann::json::array()}};
    for (const auto& r : routes) {
        if (r.listen_port == 0) continue;  // no port to keep: it gets one at the next start
        nlohmann::json j{{"node_id", r.node_id}, {"listen_port", r.listen_port}, {"client_advertised", to_json(r.client_advertised)}};
        if (r.broker_advertised.port != 0) j["broker_advertised"] = to_json(r.broker_advertised);
        if (r.upstream_override) j["upstream_override"] = to_json(*r.upstream_override);
        if (!r.admin.empty()) j["admin"] = to_json(r.admin);
        doc["routes"].push_back(std::move(j));
    }
    const auto tmp = file_.string() + ".tmp";
    write_all_and_sync(tmp, doc.dump(2) + "\n");
    if (::rename(tmp.c_str(), file_.c_str()) != 0) {
        throw RouteStoreError(fmt::format("cannot replace {}: {}", file_.string(), std::strerror(errno)));
    }
    if (const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace kgate::gateway

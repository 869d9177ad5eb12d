#pragma once
// Persists route assignments (node id -> listener port, last advertised address) in the state
// directory, so a broker keeps its gateway port across restarts.
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "gateway/routing/broker_route.h"

namespace kgate::gateway {

class RouteStoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RouteStore {
public:
    explicit RouteStore(std::filesystem::path state_dir);

    // The saved routes; none when nothing was saved yet. A file that exists but cannot be
    // read back exactly throws RouteStoreError: starting empty would silently move brokers.
    std::vector<BrokerRoute> load() const;
    // Writes atomically: temp file, fsync, rename, fsync of the directory.
    void save(const std::vector<BrokerRoute>& routes) const;

    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path file_;
};

}  // namespace kgate::gateway

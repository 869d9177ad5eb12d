#pragma once
// Which broker addresses kgate has seen require SASL: a SaslHandshake succeeded there (a Kafka
// listener without SASL refuses the handshake). Shared by every worker; read once when a
// connection reaches its broker and written when that knowledge changes, never per frame, so
// a mutex is enough.
#include <mutex>
#include <set>
#include <string>

namespace kgate::gateway {

class SaslRoutes {
public:
    bool requires_sasl(const std::string& upstream) const;
    void saw_sasl(const std::string& upstream);
    // The broker answered a request from a connection that never authenticated: it does not
    // (or no longer) require SASL.
    void saw_no_sasl(const std::string& upstream);

private:
    mutable std::mutex mutex_;
    std::set<std::string, std::less<>> sasl_;
};

}  // namespace kgate::gateway

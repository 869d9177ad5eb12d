#pragma once
// The loaded client contexts, one per distinct UpstreamTls: a route's connections share one, so
// the CA bundle is parsed once, not per connection. Looked up when a broker connection opens
// (never per request); the lock is held only for the lookup, a load happens outside it.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/upstream_tls/upstream_tls_context.h"

namespace kgate::gateway {

class GatewayMetrics;

class UpstreamTlsContexts {
public:
    // `metrics`, when given, gets the expiry of every CA bundle and client certificate loaded
    // (kgate_tls_certificate_expiry_timestamp_seconds). Only kept here: it may be constructed later.
    explicit UpstreamTlsContexts(GatewayMetrics* metrics = nullptr) : metrics_(metrics) {}
    UpstreamTlsContexts(const UpstreamTlsContexts&) = delete;
    UpstreamTlsContexts& operator=(const UpstreamTlsContexts&) = delete;

    // The context for `settings`, loaded on first use; nullptr and `error` when its files
    // cannot be loaded (tried again next time: the operator may have fixed them).
    std::shared_ptr<const UpstreamTlsContext> get(const UpstreamTls& settings, std::string& error);
    // Forgets every context: the next connections read the files again (a certificate reload).
    void clear();

private:
    // More than a cluster's routes need; PutRoute may change a route's settings many times.
    static constexpr std::size_t kMaxContexts = 64;

    GatewayMetrics* metrics_;
    std::mutex mutex_;
    std::vector<std::shared_ptr<const UpstreamTlsContext>> loaded_;  // oldest first
};

}  // namespace kgate::gateway

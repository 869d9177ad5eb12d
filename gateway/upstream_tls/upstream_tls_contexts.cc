#include "gateway/upstream_tls/upstream_tls_contexts.h"

#include <algorithm>

#include "gateway/metrics/gateway_metrics.h"

namespace kgate::gateway {

std::shared_ptr<const UpstreamTlsContext> UpstreamTlsContexts::get(const UpstreamTls& settings, std::string& error) {
    {
        std::lock_guard lock(mutex_);
        const auto it = std::find_if(loaded_.begin(), loaded_.end(), [&](const auto& c) { return c->settings() == settings; });
        if (it != loaded_.end()) return *it;
    }
    auto context = UpstreamTlsContext::load(settings, error);
    if (!context) return nullptr;
    if (metrics_ != nullptr) {
        auto& expiry = metrics_->tls_certificates();
        if (auto at = context->ca_expires()) expiry.set_expiry(CertificateRole::upstream_ca, settings.ca_file, *at);
        if (auto at = context->certificate_expires()) expiry.set_expiry(CertificateRole::upstream_client, settings.certificate_file, *at);
    }
    std::lock_guard lock(mutex_);
    // Two connections may have loaded the same settings at once: keep the first.
    const auto it = std::find_if(loaded_.begin(), loaded_.end(), [&](const auto& c) { return c->settings() == settings; });
    if (it != loaded_.end()) return *it;
    if (loaded_.size() == kMaxContexts) loaded_.erase(loaded_.begin());
    loaded_.push_back(context);
    return context;
}

void UpstreamTlsContexts::clear() {
    std::lock_guard lock(mutex_);
    loaded_.clear();
}

}  // namespace kgate::gateway

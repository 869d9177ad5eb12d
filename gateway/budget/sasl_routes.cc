#include "gateway/budget/sasl_routes.h"

namespace kgate::gateway {

bool SaslRoutes::requires_sasl(const std::string& upstream) const {
    std::lock_guard lock(mutex_);
    return sasl_.contains(upstream);
}

void SaslRoutes::saw_sasl(const std::string& upstream) {
    std::lock_guard lock(mutex_);
    sasl_.insert(upstream);
}

void SaslRoutes::saw_no_sasl(const std::string& upstream) {
    std::lock_guard lock(mutex_);
    sasl_.erase(upstream);
}

}  // namespace kgate::gateway

#include "gateway/timeouts/request_timeout.h"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace kgate::gateway {

namespace msg = protocol::messages;

std::int32_t own_timeout_ms(const msg::AnyRequest& body) {
    return std::visit(
        [](const auto& r) -> std::int32_t {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, msg::JoinGroupRequest>) {
                return std::max(r.rebalance_timeout_ms >= 0 ? r.rebalance_timeout_ms : r.session_timeout_ms, 0);
            } else if constexpr (requires { std::int32_t{r.max_wait_ms}; }) {
                return std::max(r.max_wait_ms, 0);
            } else if constexpr (requires { std::int32_t{r.timeout_ms}; }) {
                return std::max(r.timeout_ms, 0);
            } else {
                return -1;
            }
        },
        body);
}

}  // namespace kgate::gateway

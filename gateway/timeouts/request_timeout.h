#pragma once
// How long a request itself allows the broker before it must answer, read from the decoded
// request (never from its records): Produce's and the admin requests' TimeoutMs, Fetch's and
// ShareFetch's MaxWaitMs, JoinGroup's RebalanceTimeoutMs (its SessionTimeoutMs at v0, which the
// broker uses as the rebalance timeout then). -1 when the request carries none.
#include <cstdint>

#include "protocol/messages/any_message.h"

namespace kgate::gateway {

std::int32_t own_timeout_ms(const protocol::messages::AnyRequest& body);

}  // namespace kgate::gateway

#pragma once
// kgate serves its configured and saved routes before discovery has reached the brokers, as
// one proxy per broker would. ApiVersions, though, is answered from every broker's versions,
// which only discovery fetches: a session that reached its broker in that window waits for
// them (discovery retries every second until it succeeds).
#include <chrono>
#include <functional>

#include "gateway/net/asio.h"
#include "gateway/routing/published.h"
#include "gateway/upstream/cluster_view.h"

namespace kgate::gateway {

// True once `view` is known (at once when it already is); false when `limit` passed first or
// `give_up` said so (the session is closing). Arguments by reference: GCC 12 destroys by-value
// coroutine arguments built from temporaries twice.
awaitable<bool> wait_for_cluster_view(const Published<ClusterView>& view, std::chrono::milliseconds limit,
                                      const std::function<bool()>& give_up);

}  // namespace kgate::gateway

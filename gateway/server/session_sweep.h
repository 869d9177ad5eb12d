#pragma once
// Visits every live client session on its own worker thread, for operator actions (list,
// close, drain). Sessions are only ever touched by their worker, so no session needs a lock.
#include <chrono>
#include <functional>

#include "gateway/server/worker_pool.h"
#include "gateway/session/client_session.h"

namespace kgate::gateway {

// Calls `visit` for every session and waits until every worker has (at most `timeout`).
// Calls are serialized, so `visit` may write to the caller's state without locking. False
// when a worker did not answer in time: `visit` is then never called again.
bool for_each_session(WorkerPool& pool, const std::function<void(ClientSession&)>& visit, std::chrono::milliseconds timeout);

}  // namespace kgate::gateway

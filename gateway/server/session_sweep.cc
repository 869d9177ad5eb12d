#include "gateway/server/session_sweep.h"

#include <condition_variable>
#include <memory>
#include <mutex>

namespace kgate::gateway {

bool for_each_session(WorkerPool& pool, const std::function<void(ClientSession&)>& visit, std::chrono::milliseconds timeout) {
    // Shared with the posted tasks, which may outlive this call when a worker is late.
    struct Sweep {
        std::mutex mutex;
        std::condition_variable done;
        std::size_t remaining = 0;
        const std::function<void(ClientSession&)>* visit = nullptr;  // null once abandoned
    };
    auto sweep = std::make_shared<Sweep>();
    sweep->remaining = pool.workers().size();
    sweep->visit = &visit;
    for (auto& w : pool.workers()) {
        asio::post(w->context, [sweep, worker = w.get()] {
            std::lock_guard lock(sweep->mutex);
            if (sweep->visit != nullptr) {
                for (ClientSession* s : worker->sessions) (*sweep->visit)(*s);
            }
            --sweep->remaining;
            sweep->done.notify_all();
        });
    }
    std::unique_lock lock(sweep->mutex);
    if (sweep->done.wait_for(lock, timeout, [&] { return sweep->remaining == 0; })) return true;
    sweep->visit = nullptr;
    return false;
}

}  // namespace kgate::gateway

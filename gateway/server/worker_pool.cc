#include "gateway/server/worker_pool.h"

#include <spdlog/spdlog.h>

namespace kgate::gateway {

WorkerPool::WorkerPool(int count) {
    for (int i = 0; i < count; ++i) workers_.push_back(std::make_unique<Worker>());
}

WorkerPool::~WorkerPool() {
    stop(true);
    join();
}

void WorkerPool::start() {
    for (auto& w : workers_) {
        w->thread = std::thread([ctx = &w->context] {
            for (;;) {
                try {
                    ctx->run();
                    return;
                } catch (const std::exception& e) {
                    // One failing connection must not take the others down.
                    spdlog::error("worker: unexpected exception: {}", e.what());
                }
            }
        });
    }
}

Worker& WorkerPool::next() {
    Worker& w = *workers_[next_];
    next_ = (next_ + 1) % workers_.size();
    return w;
}

void WorkerPool::stop(bool stop_now) {
    for (auto& w : workers_) {
        w->guard.reset();
        if (stop_now) w->context.stop();
    }
}

void WorkerPool::join() {
    for (auto& w : workers_) {
        if (w->thread.joinable()) w->thread.join();
    }
}

}  // namespace kgate::gateway

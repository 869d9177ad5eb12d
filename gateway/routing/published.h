#pragma once
// An immutable value published to many threads. Writers (rare: routing changes, metadata
// refreshes) swap in a new snapshot under a mutex; readers keep a Cached<T> and only touch
// shared state when the generation counter moved, so the hot path is one atomic load.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace kgate::gateway {

template <class T>
class Published {
public:
    explicit Published(std::shared_ptr<const T> initial) : value_(std::move(initial)) {}

    void publish(std::shared_ptr<const T> next) {
        std::lock_guard lock(mutex_);
        value_ = std::move(next);
        generation_.fetch_add(1, std::memory_order_release);
    }
    std::shared_ptr<const T> load() const {
        std::lock_guard lock(mutex_);
        return value_;
    }
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const T> value_;
    std::atomic<std::uint64_t> generation_{1};
};

// A reader's copy of a Published<T>, refreshed only when it changed.
template <class T>
class Cached {
public:
    explicit Cached(const Published<T>& source) : source_(&source) {}

    const T& get() { return *shared(); }
    // The same, as a pointer to keep.
    const std::shared_ptr<const T>& shared() {
        const auto g = source_->generation();
        if (g != seen_ || !value_) {
            value_ = source_->load();
            seen_ = g;
        }
        return value_;
    }

private:
    const Published<T>* source_;
    std::shared_ptr<const T> value_;
    std::uint64_t seen_ = 0;
};

}  // namespace kgate::gateway

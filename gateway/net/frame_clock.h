#pragma once
// When the frame being read began to arrive and how much of it is in, for the slow-frame
// timeout (gateway/timeouts/). read_frame starts it only when a frame takes more than one socket
// read, so a frame that arrives whole costs nothing; it is read on the same thread by the
// session's timeout check.
#include <chrono>
#include <cstddef>

namespace kgate::gateway {

struct FrameClock {
    bool running = false;
    std::chrono::steady_clock::time_point since{};
    std::size_t size = 0;      // announced size; 0 while the size prefix is not whole
    std::size_t received = 0;  // bytes of the frame in so far, its size prefix included

    // A frame's first bytes are in and kgate waits for the rest: the clock runs from now.
    void start() {
        if (running) return;
        running = true;
        since = std::chrono::steady_clock::now();
        size = 0;
        received = 0;
    }
    void stop() { running = false; }
};

}  // namespace kgate::gateway

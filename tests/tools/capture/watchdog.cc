#include "watchdog.h"

#include <cstdio>
#include <cstdlib>

namespace kgate::capture {

Watchdog::Watchdog(std::chrono::steady_clock::duration limit, int exit_code)
    : thread_([this, limit, exit_code](std::stop_token stop) {
        std::unique_lock lock(mu_);
        // Wakes early only when stop is requested, i.e. on a normal end.
        cv_.wait_for(lock, stop, limit, [] { return false; });
        if (stop.stop_requested()) return;
        std::fprintf(stderr,
                     "kgate-capture-frames: still running after the time limit, aborting\n");
        std::fflush(stderr);
        std::_Exit(exit_code);
      }) {}

Watchdog::~Watchdog() {
  thread_.request_stop();  // wakes the condition_variable_any wait
}

}  // namespace kgate::capture

#include <algorithm>

#include "workloads.h"

namespace kgate::capture {

int WorkloadEnv::budget_ms(int cap_ms) const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
  return static_cast<int>(std::clamp<long long>(left, 1, cap_ms));
}

}  // namespace kgate::capture

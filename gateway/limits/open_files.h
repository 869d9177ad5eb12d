#pragma once
// The open-files limit against max-connections: each client connection holds two descriptors
// (the client's and its broker's), so a limit below that makes accepts fail before
// max-connections is reached.
#include <cstddef>
#include <optional>
#include <string>

namespace kgate::gateway {

// The soft limit on open files (RLIMIT_NOFILE); nullopt when unlimited or unknown.
std::optional<std::size_t> open_files_limit();
std::string describe_open_files_limit();

// Descriptors kgate keeps for itself beyond its client connections: listeners, discovery, HTTP,
// the admin API, logs.
inline constexpr std::size_t kReservedDescriptors = 200;

// A start-up warning when `open_files` cannot hold `max_connections` (0: no limit) client
// connections; nullopt when it can, or when there is no max-connections.
std::optional<std::string> open_files_warning(std::size_t max_connections, std::optional<std::size_t> open_files);

}  // namespace kgate::gateway

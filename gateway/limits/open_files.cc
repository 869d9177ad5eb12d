#include "gateway/limits/open_files.h"

#include <sys/resource.h>

#include <fmt/format.h>

namespace kgate::gateway {

std::optional<std::size_t> open_files_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
    return static_cast<std::size_t>(limit.rlim_cur);
}

std::string describe_open_files_limit() {
    const auto limit = open_files_limit();
    return limit ? std::to_string(*limit) : std::string("unlimited");
}

std::optional<std::string> open_files_warning(std::size_t max_connections, std::optional<std::size_t> open_files) {
    // With no max-connections the open-files limit is the limit, which the operator chose.
    if (!open_files || max_connections == 0) return std::nullopt;
    const std::size_t room = *open_files > kReservedDescriptors ? (*open_files - kReservedDescriptors) / 2 : 0;
    if (max_connections <= room) return std::nullopt;
    return fmt::format("the open-files limit {} holds about {} client connections (two descriptors each), fewer than "
                       "max-connections {}: past that, accepts fail until connections close. Raise the limit (ulimit -n, "
                       "LimitNOFILE=) to at least {} or lower max-connections",
                       *open_files, room, max_connections, 2 * max_connections + kReservedDescriptors);
}

}  // namespace kgate::gateway

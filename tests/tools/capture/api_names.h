// Human-readable Kafka API key names for the summary.
#pragma once

#include <cstdint>
#include <string_view>

namespace kgate::capture {

// "Unknown" for keys outside the table.
[[nodiscard]] std::string_view api_name(std::int16_t api_key) noexcept;

}  // namespace kgate::capture

#pragma once
// The Kafka APIs the codec knows, generated from the message definitions.
#include <cstdint>
#include <span>
#include <string_view>

namespace kgate::protocol {

inline constexpr std::uint8_t kListenerBroker = 1;
inline constexpr std::uint8_t kListenerController = 2;
inline constexpr std::uint8_t kListenerZkBroker = 4;

struct ApiInfo {
    std::int16_t key;
    std::string_view name;
    std::int16_t min_version;
    // The newest version clients may use: an unstable latest version is left out.
    std::int16_t max_version;
    // The newest version the codec can decode, unstable ones included.
    std::int16_t max_decodable_version;
    std::int16_t first_flexible_version;  // -1 when no version is flexible
    std::uint8_t listeners;                // kListener* bits

    bool is_flexible(std::int16_t version) const { return first_flexible_version >= 0 && version >= first_flexible_version; }
    bool can_decode(std::int16_t version) const { return version >= min_version && version <= max_decodable_version; }
};

std::span<const ApiInfo> all_apis();
// nullptr for a key the codec does not know (or whose API Kafka removed).
const ApiInfo* find_api(std::int16_t key);
// The Kafka release the definitions were taken from, e.g. "4.4.0".
std::string_view kafka_spec_version();

// Header versions follow from flexibility: request v2 / response v1 for flexible versions,
// else v1 / v0. The ApiVersions response header is always v0, so any client can read it.
std::int16_t request_header_version(const ApiInfo& api, std::int16_t version);
std::int16_t response_header_version(const ApiInfo& api, std::int16_t version);

}  // namespace kgate::protocol

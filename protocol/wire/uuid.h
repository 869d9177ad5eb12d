#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace kgate::protocol {

// Kafka's 128-bit uuid, kept as its 16 wire bytes (big-endian most then least significant).
struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    bool is_zero() const;
    // Kafka's display form: URL-safe base64 without padding (22 characters).
    std::string to_string() const;

    friend bool operator==(const Uuid&, const Uuid&) = default;
};

}  // namespace kgate::protocol

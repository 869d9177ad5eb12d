#pragma once
// Every generated message type with its versions, so tests can iterate the whole codec.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec/message_kind.h"
#include "test_support/test_filler.h"

namespace kgate::protocol::test_support {

// Returns an empty string on success, else what went wrong.
using RoundTripFn = std::string (*)(std::int16_t version, TestFiller::Mode mode);
// The body of a filled message encoded at `version`, for tests that need valid bytes.
using EncodeFilledFn = std::vector<std::byte> (*)(std::int16_t version, TestFiller::Mode mode);

struct MessageEntry {
    std::string_view name;
    std::int16_t api_key;  // -1 for headers and data records
    MessageKind kind;
    std::int16_t lowest_version;
    std::int16_t highest_version;
    RoundTripFn round_trip;
    EncodeFilledFn encode_filled;
};

std::span<const MessageEntry> all_message_entries();

}  // namespace kgate::protocol::test_support

#pragma once
// Walking a frame's top levels to find where its topics and partitions lie, so that they can be
// regrouped as views without decoding (or copying) what they carry.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/wire/reader.h"

namespace kgate::gateway {

// Where a topic of a request or response lies: its key (name or topic id, as on the wire),
// its partitions, and what follows them (the topic's tagged fields).
struct TopicSpans {
    std::span<const std::byte> key;
    std::string name;                 // empty when keyed by topic id
    protocol::Uuid id{};
    struct Partition {
        std::int32_t index = 0;
        std::span<const std::byte> bytes;
    };
    std::vector<Partition> partitions;
    std::span<const std::byte> tail;
};

// Reads a topic's key: a name before `first_id_version`, its topic id from then on.
bool read_topic_key(protocol::Reader& r, std::span<const std::byte> frame, std::int16_t version, std::int16_t first_id_version,
                    bool flexible, TopicSpans& topic);
// Passes over a struct's tagged fields (flexible versions).
bool skip_tagged_fields(protocol::Reader& r);
// Appends an array length as the version writes it.
void append_array_length(std::vector<std::byte>& out, std::size_t count, bool flexible);
void append_int32(std::vector<std::byte>& out, std::int32_t v);
void append_int16(std::vector<std::byte>& out, std::int16_t v);

// The bytes of `frame` between two reader offsets (Readers built over `frame`, base offset 0).
inline std::span<const std::byte> between(std::span<const std::byte> frame, std::size_t from, std::size_t to) {
    return frame.subspan(from, to - from);
}

}  // namespace kgate::gateway

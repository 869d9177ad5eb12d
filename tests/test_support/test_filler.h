#pragma once
// Supplies values for the generated fill_for_test() functions: every call gives a new,
// non-default value, so an encode/decode that mixes two fields up cannot pass.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/tagged_field.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol::test_support {

class TestFiller {
public:
    enum class Mode {
        values,           // every field set, arrays of two elements, nothing null
        nulls_and_empty,  // null wherever the version allows it, arrays empty
    };

    explicit TestFiller(Mode mode, bool add_unknown_tags = true) : mode_(mode), unknown_tags_(add_unknown_tags) {}

    bool use_nulls() const { return mode_ == Mode::nulls_and_empty; }
    std::size_t array_size() const { return mode_ == Mode::values ? 2 : 0; }

    std::int64_t next_int() { return ++counter_ * 7919 + 3; }
    bool next_bool() { return (++counter_ % 2) == 1; }
    double next_double() { return static_cast<double>(++counter_) + 0.25; }
    std::string next_string();
    BytesView next_bytes();
    Uuid next_uuid();
    // Adds a tagged field no definition knows, to prove unknown tags survive a round trip.
    void add_unknown_tags(UnknownTaggedFields& tags);

private:
    Mode mode_;
    bool unknown_tags_;
    std::int64_t counter_ = 0;
    // Owns the bytes that filled BytesView fields point to (deque: stable addresses).
    std::deque<std::vector<std::byte>> storage_;
};

}  // namespace kgate::protocol::test_support

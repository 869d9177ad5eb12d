#include "test_support/test_filler.h"

#include <fmt/format.h>

namespace kgate::protocol::test_support {

std::string TestFiller::next_string() { return fmt::format("v{}-ü", ++counter_); }

BytesView TestFiller::next_bytes() {
    const auto n = static_cast<std::size_t>(++counter_ % 5 + 1);
    auto& b = storage_.emplace_back(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(counter_ + static_cast<std::int64_t>(i));
    return BytesView(b.data(), b.size());
}

Uuid TestFiller::next_uuid() {
    Uuid u;
    const auto c = ++counter_;
    for (std::size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<std::uint8_t>(c * 31 + static_cast<std::int64_t>(i));
    return u;
}

void TestFiller::add_unknown_tags(UnknownTaggedFields& tags) {
    if (!unknown_tags_) return;
    // Above every tag the definitions use, so the encoder's tag order is the decoder's.
    tags.push_back(RawTaggedField{1000, next_bytes()});
}

}  // namespace kgate::protocol::test_support

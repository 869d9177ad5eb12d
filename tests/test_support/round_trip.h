#pragma once
// Fill, encode, decode, compare, re-encode: the check every generated message must pass.
#include <string>

#include <fmt/format.h>

#include "protocol/codec/frame_codec.h"
#include "protocol/json/json_writer.h"
#include "protocol/wire/reader.h"
#include "test_support/test_filler.h"

namespace kgate::protocol::test_support {

template <class M>
std::string round_trip(std::int16_t version, TestFiller::Mode mode) {
    TestFiller filler(mode);
    M original;
    fill_for_test(original, version, filler);

    const auto bytes = encode_to_vector(original, version);
    if (!bytes) return "encode did not fit the size encoded_size() promised";
    Reader r(*bytes);
    M decoded;
    if (!decoded.decode(r, version)) return "decode failed: " + r.error().to_string();
    if (!r.at_end()) return fmt::format("decode left {} of {} bytes unread", r.remaining(), bytes->size());
    if (!(decoded == original)) return "decoded value differs from the encoded one";
    const auto again = encode_to_vector(decoded, version);
    if (!again || *again != *bytes) return "re-encoding the decoded value gave different bytes";
    JsonWriter j;
    decoded.to_json(j, version);
    if (j.str().empty() || j.str().front() != '{') return "to_json printed no object";
    return {};
}

template <class M>
std::vector<std::byte> encode_filled(std::int16_t version, TestFiller::Mode mode) {
    // The filler owns the bytes views point to; encoding copies them out before it goes.
    TestFiller filler(mode);
    M m;
    fill_for_test(m, version, filler);
    auto bytes = encode_to_vector(m, version);
    return bytes ? std::move(*bytes) : std::vector<std::byte>{};
}

}  // namespace kgate::protocol::test_support

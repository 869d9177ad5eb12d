#pragma once
// Fill, encode, decode, compare, re-encode: the check every generated message must pass.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "protocol/codec/frame_codec.h"
#include "protocol/codec/scan_sink.h"
#include "protocol/json/json_writer.h"
#include "protocol/wire/reader.h"
#include "test_support/test_filler.h"

namespace kgate::protocol::test_support {

inline void collect_error_code(void* context, std::int16_t code) { static_cast<std::vector<std::int16_t>*>(context)->push_back(code); }

// The scan of `bytes` (an encoded `decoded`) must walk exactly those bytes, report the error
// codes for_each_error_code() visits in the same order, place every field it reports inside
// them in wire order, and refuse a cut-short copy exactly as decode() does.
template <class M>
std::string check_scan(const M& decoded, std::int16_t version, std::span<const std::byte> bytes) {
    std::vector<std::int16_t> expected;
    decoded.for_each_error_code(version, [&](std::int16_t code) { expected.push_back(code); });
    std::vector<std::int16_t> scanned;
    std::vector<FieldSpan> spans(M::field_meta.size());
    Reader r(bytes);
    if (!M::scan(r, version, ErrorCodeSink{&collect_error_code, &scanned}, spans.data())) {
        return "scan failed: " + r.error().to_string();
    }
    if (!r.at_end()) return fmt::format("scan left {} of {} bytes unread", r.remaining(), bytes.size());
    if (scanned != expected) {
        return fmt::format("scan reported error codes [{}], for_each_error_code [{}]", fmt::join(scanned, ","), fmt::join(expected, ","));
    }
    std::size_t last_end = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const FieldSpan& s = spans[i];
        if (!s.present) continue;
        if (s.begin > s.end || s.end > bytes.size()) return fmt::format("scan placed {} outside the bytes", M::field_meta[i].name);
        if (M::field_meta[i].tag >= 0) continue;  // tagged values come at the end, in tag order
        if (s.begin != last_end) return fmt::format("scan placed {} at {}, the previous field ended at {}", M::field_meta[i].name, s.begin, last_end);
        last_end = s.end;
    }
    for (const std::size_t cut : {std::size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
        if (cut >= bytes.size()) continue;
        Reader dr(bytes.first(cut));
        M partial;
        const bool decoded_ok = partial.decode(dr, version);
        Reader sr(bytes.first(cut));
        const bool scanned_ok = M::scan(sr, version, ErrorCodeSink{});
        if (decoded_ok || scanned_ok) return fmt::format("the first {} of {} bytes did not fail (decode {}, scan {})", cut, bytes.size(), decoded_ok, scanned_ok);
        if (dr.error().to_string() != sr.error().to_string()) {
            return fmt::format("cut at {}: decode failed with \"{}\", scan with \"{}\"", cut, dr.error().to_string(), sr.error().to_string());
        }
    }
    return {};
}

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
    if (auto scan_error = check_scan(decoded, version, *bytes); !scan_error.empty()) return scan_error;
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

#pragma once
// Scanning a whole message body as one concrete type, for the generated dispatch: the same
// checks as decode_body_as(), nothing built.
#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "protocol/codec/scan_sink.h"
#include "protocol/wire/reader.h"

namespace kgate::protocol {

// `spans` is empty, or has a slot per M::field_meta entry to receive where each field lies.
template <class M>
bool scan_body_as(std::int16_t version, Reader& r, ErrorCodeSink sink, std::span<FieldSpan> spans) {
    if (version < M::lowest_version || version > M::highest_version) {
        return r.fail(fmt::format("{} has no version {} (the codec knows {} to {})", M::message_name, version, M::lowest_version,
                                  M::highest_version));
    }
    FieldSpan* out = nullptr;
    if (!spans.empty()) {
        if (spans.size() < M::field_meta.size()) {
            return r.fail(fmt::format("{} has {} fields but only {} span slots were given", M::message_name, M::field_meta.size(),
                                      spans.size()));
        }
        std::fill(spans.begin(), spans.end(), FieldSpan{});
        out = spans.data();
    }
    // As decode_body_as(): bytes after the body are left in the reader.
    return M::scan(r, version, sink, out) || r.fail_in(M::message_name);
}

inline bool scan_unknown_api_key(std::int16_t api_key, Reader& r) { return r.fail(fmt::format("unknown API key {}", api_key)); }

}  // namespace kgate::protocol

#include "protocol/wire/writer.h"

#include <cstring>

namespace kgate::protocol {

void Writer::write_string(std::string_view v, bool compact) {
    if (compact) {
        write_uvarint(static_cast<std::uint32_t>(v.size() + 1));
    } else {
        // Classic strings carry an int16 length: longer ones cannot be represented.
        if (v.size() > 0x7fff) {
            overflowed_ = true;
            return;
        }
        write_int16(static_cast<std::int16_t>(v.size()));
    }
    if (std::byte* p = reserve(v.size()); p != nullptr && !v.empty()) std::memcpy(p, v.data(), v.size());
}

void Writer::write_nullable_string(const std::optional<std::string>& v, bool compact) {
    if (!v) {
        if (compact) write_uvarint(0);
        else write_int16(-1);
        return;
    }
    write_string(*v, compact);
}

void Writer::write_bytes(BytesView v, bool compact) {
    if (compact) write_uvarint(static_cast<std::uint32_t>(v.size() + 1));
    else write_int32(static_cast<std::int32_t>(v.size()));
    write_raw(v);
}

void Writer::write_nullable_bytes(const std::optional<BytesView>& v, bool compact) {
    if (!v) {
        write_array_length(-1, compact);
        return;
    }
    write_bytes(*v, compact);
}

void Writer::write_array_length(std::int64_t count, bool compact) {
    if (compact) write_uvarint(static_cast<std::uint32_t>(count + 1));
    else write_int32(static_cast<std::int32_t>(count));
}

void Writer::write_raw(BytesView v) {
    if (std::byte* p = reserve(v.size()); p != nullptr && !v.empty()) std::memcpy(p, v.data(), v.size());
}

}  // namespace kgate::protocol

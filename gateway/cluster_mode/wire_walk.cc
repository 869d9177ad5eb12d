#include "gateway/cluster_mode/wire_walk.h"

#include "protocol/wire/sizes.h"

namespace kgate::gateway {

bool read_topic_key(protocol::Reader& r, std::span<const std::byte> frame, std::int16_t version, std::int16_t first_id_version,
                    bool flexible, TopicSpans& topic) {
    const auto start = r.offset();
    const bool ok = version >= first_id_version ? r.read_uuid(topic.id) : r.read_string(topic.name, flexible);
    if (ok) topic.key = between(frame, start, r.offset());
    return ok;
}

bool skip_tagged_fields(protocol::Reader& r) {
    std::uint32_t count = 0;
    if (!r.read_uvarint(count)) return false;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t tag = 0;
        std::uint32_t size = 0;
        if (!r.read_uvarint(tag) || !r.read_uvarint(size) || !r.skip_fixed(size, "tagged field")) return false;
    }
    return true;
}

void append_int32(std::vector<std::byte>& out, std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::byte>((u >> shift) & 0xff));
}

void append_int16(std::vector<std::byte>& out, std::int16_t v) {
    const auto u = static_cast<std::uint16_t>(v);
    out.push_back(static_cast<std::byte>(u >> 8));
    out.push_back(static_cast<std::byte>(u & 0xff));
}

void append_array_length(std::vector<std::byte>& out, std::size_t count, bool flexible) {
    if (!flexible) {
        append_int32(out, static_cast<std::int32_t>(count));
        return;
    }
    auto v = static_cast<std::uint32_t>(count + 1);
    while (v >= 0x80) {
        out.push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::byte>(v));
}

}  // namespace kgate::gateway

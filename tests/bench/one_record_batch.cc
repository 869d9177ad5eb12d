#include "one_record_batch.h"

#include <array>

namespace kgate::bench {

namespace {

std::uint32_t crc32c(const std::byte* data, std::size_t n) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ std::to_integer<std::uint32_t>(data[i])) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

class Bytes {
public:
    template <class T>
    void big_endian(T v) {
        for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
            out.push_back(static_cast<std::byte>((static_cast<std::uint64_t>(v) >> shift) & 0xFF));
        }
    }
    void varint(std::int64_t v) {  // zigzag, as record fields are
        auto u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
        while (u >= 0x80) {
            out.push_back(static_cast<std::byte>((u & 0x7F) | 0x80));
            u >>= 7;
        }
        out.push_back(static_cast<std::byte>(u));
    }
    std::vector<std::byte> out;
};

}  // namespace

std::vector<std::byte> one_record_batch(std::size_t value_size, std::int64_t timestamp_ms) {
    Bytes record;
    record.big_endian<std::int8_t>(0);  // attributes
    record.varint(0);                   // timestamp delta
    record.varint(0);                   // offset delta
    record.varint(-1);                  // no key
    record.varint(static_cast<std::int64_t>(value_size));
    for (std::size_t i = 0; i < value_size; ++i) record.out.push_back(static_cast<std::byte>('a' + i % 26));
    record.varint(0);  // no headers

    Bytes checked;  // from attributes to the end: what the CRC covers
    checked.big_endian<std::int16_t>(0);   // attributes: no compression, create time
    checked.big_endian<std::int32_t>(0);   // last offset delta
    checked.big_endian<std::int64_t>(timestamp_ms);
    checked.big_endian<std::int64_t>(timestamp_ms);
    checked.big_endian<std::int64_t>(-1);  // producer id: none
    checked.big_endian<std::int16_t>(-1);  // producer epoch
    checked.big_endian<std::int32_t>(-1);  // base sequence
    checked.big_endian<std::int32_t>(1);   // records
    checked.varint(static_cast<std::int64_t>(record.out.size()));
    checked.out.insert(checked.out.end(), record.out.begin(), record.out.end());

    Bytes batch;
    batch.big_endian<std::int64_t>(0);  // base offset (the broker assigns it)
    batch.big_endian<std::int32_t>(static_cast<std::int32_t>(4 + 1 + 4 + checked.out.size()));  // length after this field
    batch.big_endian<std::int32_t>(-1);  // partition leader epoch
    batch.big_endian<std::int8_t>(2);    // magic
    batch.big_endian<std::uint32_t>(crc32c(checked.out.data(), checked.out.size()));
    batch.out.insert(batch.out.end(), checked.out.begin(), checked.out.end());
    return batch.out;
}

}  // namespace kgate::bench

#pragma once
// Frames written out byte by byte for the KoP translation tests, independent of the codec.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace kgate::gateway::test {

class WireBytes {
public:
    WireBytes& i8(std::int8_t v) { return raw({static_cast<std::uint8_t>(v)}); }
    WireBytes& i16(std::int16_t v) { return be(static_cast<std::uint16_t>(v), 2); }
    WireBytes& i32(std::int32_t v) { return be(static_cast<std::uint32_t>(v), 4); }
    WireBytes& i64(std::int64_t v) { return be(static_cast<std::uint64_t>(v), 8); }
    // Classic string: int16 length. Compact string: uvarint length + 1 (lengths under 127 here).
    WireBytes& str(std::string_view s) { return i16(static_cast<std::int16_t>(s.size())).chars(s); }
    WireBytes& cstr(std::string_view s) { return i8(static_cast<std::int8_t>(s.size() + 1)).chars(s); }
    WireBytes& zeros(std::size_t n) {
        bytes_.insert(bytes_.end(), n, std::byte{0});
        return *this;
    }
    WireBytes& raw(std::initializer_list<std::uint8_t> list) {
        for (auto b : list) bytes_.push_back(static_cast<std::byte>(b));
        return *this;
    }
    const std::vector<std::byte>& bytes() const { return bytes_; }

private:
    WireBytes& be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) bytes_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
        return *this;
    }
    WireBytes& chars(std::string_view s) {
        for (char c : s) bytes_.push_back(static_cast<std::byte>(c));
        return *this;
    }
    std::vector<std::byte> bytes_;
};

}  // namespace kgate::gateway::test

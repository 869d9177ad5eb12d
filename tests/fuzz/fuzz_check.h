#pragma once
// What the fuzz targets share: the input as bytes, and a failed check that aborts so
// libFuzzer keeps the input as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace kgate::fuzz {

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const std::byte*>(data), size};
}

[[noreturn]] inline void fail(std::string_view what) {
    std::fprintf(stderr, "round-trip check failed: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
}

}  // namespace kgate::fuzz

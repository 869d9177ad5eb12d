#pragma once
#include <cstddef>
#include <span>
#include <string>

namespace kgate::protocol {

enum class Base64Alphabet { standard, url_unpadded };

std::string base64_encode(std::span<const std::byte> data, Base64Alphabet alphabet = Base64Alphabet::standard);

}  // namespace kgate::protocol

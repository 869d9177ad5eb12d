#include "protocol/wire/uuid.h"

#include "protocol/wire/base64.h"

namespace kgate::protocol {

bool Uuid::is_zero() const {
    for (auto b : bytes) {
        if (b != 0) return false;
    }
    return true;
}

std::string Uuid::to_string() const {
    return base64_encode(std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
                         Base64Alphabet::url_unpadded);
}

}  // namespace kgate::protocol

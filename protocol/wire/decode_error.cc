#include "protocol/wire/decode_error.h"

#include <fmt/format.h>

namespace kgate::protocol {

std::string DecodeError::to_string() const {
    if (path.empty()) return fmt::format("at offset {}: {}", offset, reason);
    return fmt::format("field {} at offset {}: {}", path, offset, reason);
}

}  // namespace kgate::protocol

#pragma once
#include <cstddef>
#include <string>

namespace kgate::protocol {

// Why a decode failed and where: `path` names the field ("Brokers[2].Host"), `offset` is
// the byte offset in the frame where the failing read started.
struct DecodeError {
    std::string path;
    std::size_t offset = 0;
    std::string reason;

    std::string to_string() const;
};

}  // namespace kgate::protocol

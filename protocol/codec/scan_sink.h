#pragma once
// What a generated scan() reports to: ErrorCode values through a plain function pointer (so
// the generated code stays out of headers: no template per caller), and field positions.
#include <cstddef>
#include <cstdint>

namespace kgate::protocol {

struct ErrorCodeSink {
    void (*fn)(void* context, std::int16_t code) = nullptr;
    void* context = nullptr;

    void operator()(std::int16_t code) const {
        if (fn != nullptr) fn(context, code);
    }
};

// Where one field of a message lies: [begin, end) in the reader's (frame) offsets. `present`
// is false for a field the message does not hold at the scanned version (or a tagged field
// the sender left out).
struct FieldSpan {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool present = false;
};

}  // namespace kgate::protocol

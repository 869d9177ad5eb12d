#pragma once
// Emits a struct's scan(): a walk over its wire bytes that follows decode() read for read
// (versions, nullability, compact encodings, tagged fields, nested structs) without building
// anything. It reports every ErrorCode to a sink, and a top-level message can record where
// each of its fields lies, so the gateway can patch one field without decoding the rest.
#include <functional>
#include <string>

#include "code_writer.h"
#include "emit_struct.h"
#include "message_spec.h"

namespace kgate::codegen {

class ScanEmitter {
public:
    // `top_level`: the message struct itself, whose scan() also records field spans.
    ScanEmitter(const MessageSpec& message, StructView s, bool top_level);

    // The member declaration, for the header (one line: the code stays in the source).
    void declaration(CodeWriter& out) const;
    // The definition, for the source.
    void definition(CodeWriter& out) const;

private:
    std::string signature(bool in_class) const;
    // Runs `body` for field index `i`, recording its span when this is the top level.
    void with_span(CodeWriter& out, std::size_t i, const std::string& r, const std::function<void()>& body) const;

    const MessageSpec& message_;
    StructView s_;
    bool top_level_;
};

}  // namespace kgate::codegen

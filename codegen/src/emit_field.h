#pragma once
// Per-field code: how one field is read, written, sized, printed and filled for tests.
// `target` is the C++ lvalue holding the field (e.g. "this->brokers").
#include <string>

#include "code_writer.h"
#include "message_spec.h"

namespace kgate::codegen {

struct FieldCode {
    const FieldSpec& field;
    std::string target;
    VersionRange scope;

    std::string flex() const;           // compact encoding in use?
    std::string nullable_now() const;   // may the value be null at this version?
};

// Reads the field with reader `r`; on failure returns `false` after naming the field.
void emit_read(CodeWriter& out, const FieldCode& fc, const std::string& r);
void emit_write(CodeWriter& out, const FieldCode& fc);
// Adds the field's encoded size to `acc`.
void emit_size(CodeWriter& out, const FieldCode& fc, const std::string& acc);
void emit_json(CodeWriter& out, const FieldCode& fc);
void emit_fill(CodeWriter& out, const FieldCode& fc);

}  // namespace kgate::codegen

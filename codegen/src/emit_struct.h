#pragma once
// Emits one generated struct: its declaration, and decode/encode/encoded_size/to_json.
#include <string>
#include <vector>

#include "code_writer.h"
#include "message_spec.h"

namespace kgate::codegen {

struct StructView {
    std::string name;              // C++ type name
    const std::vector<FieldSpec>* fields;
    VersionRange scope;            // the versions this struct's code can run for
};

struct FieldVisitor;

class StructEmitter {
public:
    StructEmitter(const MessageSpec& message, StructView s);

    // The struct definition, for the header. `message_traits` adds the static api traits
    // the top-level message struct carries.
    void declaration(CodeWriter& out, bool message_traits) const;
    // Out-of-line member definitions, for the source.
    void definitions(CodeWriter& out) const;
    // fill_for_test(): sets every field present at a version to a non-default value.
    void test_fill(CodeWriter& out) const;

private:
    void decode_fn(CodeWriter& out) const;
    void encode_fn(CodeWriter& out) const;
    void size_fn(CodeWriter& out) const;
    void json_fn(CodeWriter& out) const;
    // for_each_broker_id / for_each_error_code: calls f on every matching field, nested ones too.
    void field_visitor(CodeWriter& out, const FieldVisitor& visitor) const;

    std::string flexible_expr() const;
    bool has_tagged() const;
    std::vector<const FieldSpec*> tagged_in_order() const;

    const MessageSpec& message_;
    StructView s_;
};

// Fields a generated visitor calls back for.
bool is_broker_id(const FieldSpec& f);   // entityType brokerId, an integer
bool is_error_code(const FieldSpec& f);  // an int16 named ErrorCode (Kafka's error fields)

// Whether a struct (or anything it contains) holds a field `matches` accepts.
bool contains_fields(const MessageSpec& m, const std::vector<FieldSpec>& fields, bool (*matches)(const FieldSpec&));
inline bool contains_broker_ids(const MessageSpec& m, const std::vector<FieldSpec>& fields) {
    return contains_fields(m, fields, is_broker_id);
}

}  // namespace kgate::codegen

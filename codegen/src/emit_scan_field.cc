#include "emit_scan_field.h"

#include <fmt/format.h>

#include "cpp_model.h"
#include "emit_struct.h"

namespace kgate::codegen {
namespace {

bool is_bytes_like(Kind k) { return k == Kind::bytes || k == Kind::records; }

// The label Reader uses for a fixed-width read, so a skipped field fails with the same reason.
const char* fixed_label(Kind kind) {
    switch (kind) {
        case Kind::boolean: return "bool";
        case Kind::int8: return "int8";
        case Kind::int16: return "int16";
        case Kind::uint16: return "uint16";
        case Kind::int32: return "int32";
        case Kind::uint32: return "uint32";
        case Kind::int64: return "int64";
        case Kind::float64: return "float64";
        case Kind::uuid: return "uuid";
        default: return "";
    }
}

// A bool expression scanning one array element or one non-nullable value.
std::string scan_element(const FieldType& t, const std::string& r, const std::string& flex) {
    if (t.is_struct()) return fmt::format("{}::scan({}, version, sink)", t.struct_name, r);
    if (t.kind == Kind::string) return fmt::format("{}.skip_string({}, false)", r, flex);
    if (is_bytes_like(t.kind)) return fmt::format("{}.skip_bytes({}, false)", r, flex);
    return fmt::format("{}.skip_fixed({}, \"{}\")", r, fixed_size(t.kind), fixed_label(t.kind));
}

}  // namespace

void emit_scan(CodeWriter& out, const FieldCode& fc, const std::string& r) {
    const FieldSpec& f = fc.field;
    const std::string flex = fc.flex();
    if (f.type.is_array) {
        out.open("{{");
        out.line("std::int32_t count_ = 0;");
        out.line("if (!{}.read_array_length(count_, {}, {})) return {}.fail_in(\"{}\");", r, flex,
                 f.nullable_type() ? fc.nullable_now() : "false", r, f.name);
        out.open("for (std::int32_t i_ = 0; i_ < count_; ++i_) {{");
        out.line("if (!{}) return {}.fail_in_index(\"{}\", static_cast<std::size_t>(i_));", scan_element(f.type, r, flex), r,
                 f.name);
        out.close();
        out.close();
        return;
    }
    if (is_error_code(f)) {
        out.open("{{");
        out.line("std::int16_t code_ = 0;");
        out.line("if (!{}.read_int16(code_)) return {}.fail_in(\"{}\");", r, r, f.name);
        out.line("sink(code_);");
        out.close();
        return;
    }
    if (!f.nullable_type()) {
        out.line("if (!{}) return {}.fail_in(\"{}\");", scan_element(f.type, r, flex), r, f.name);
        return;
    }
    if (f.type.kind == Kind::string) {
        out.line("if (!{}.skip_string({}, {})) return {}.fail_in(\"{}\");", r, flex, fc.nullable_now(), r, f.name);
    } else if (is_bytes_like(f.type.kind)) {
        out.line("if (!{}.skip_bytes({}, {})) return {}.fail_in(\"{}\");", r, flex, fc.nullable_now(), r, f.name);
    } else {
        // A nullable struct: an int8 marker (-1 null, 1 present) in its nullable versions.
        out.open("if ({}) {{", fc.nullable_now());
        out.line("std::int8_t present_ = 0;");
        out.line("if (!{}.read_int8(present_)) return {}.fail_in(\"{}\");", r, r, f.name);
        out.line("if (present_ >= 0 && !{}) return {}.fail_in(\"{}\");", scan_element(f.type, r, flex), r, f.name);
        out.reopen(fmt::format("}} else if (!{}) {{", scan_element(f.type, r, flex)));
        out.line("return {}.fail_in(\"{}\");", r, f.name);
        out.close();
    }
}

}  // namespace kgate::codegen

#include "emit_field.h"

#include <fmt/format.h>

#include "cpp_model.h"

namespace kgate::codegen {
namespace {

bool is_bytes_like(Kind k) { return k == Kind::bytes || k == Kind::records; }

std::string read_call(Kind kind, const std::string& r, const std::string& dst) {
    switch (kind) {
        case Kind::boolean: return fmt::format("{}.read_bool({})", r, dst);
        case Kind::int8: return fmt::format("{}.read_int8({})", r, dst);
        case Kind::int16: return fmt::format("{}.read_int16({})", r, dst);
        case Kind::uint16: return fmt::format("{}.read_uint16({})", r, dst);
        case Kind::int32: return fmt::format("{}.read_int32({})", r, dst);
        case Kind::uint32: return fmt::format("{}.read_uint32({})", r, dst);
        case Kind::int64: return fmt::format("{}.read_int64({})", r, dst);
        case Kind::float64: return fmt::format("{}.read_float64({})", r, dst);
        case Kind::uuid: return fmt::format("{}.read_uuid({})", r, dst);
        default: return "false";
    }
}

std::string write_call(Kind kind, const std::string& v) {
    switch (kind) {
        case Kind::boolean: return fmt::format("w.write_bool({});", v);
        case Kind::int8: return fmt::format("w.write_int8({});", v);
        case Kind::int16: return fmt::format("w.write_int16({});", v);
        case Kind::uint16: return fmt::format("w.write_uint16({});", v);
        case Kind::int32: return fmt::format("w.write_int32({});", v);
        case Kind::uint32: return fmt::format("w.write_uint32({});", v);
        case Kind::int64: return fmt::format("w.write_int64({});", v);
        case Kind::float64: return fmt::format("w.write_float64({});", v);
        case Kind::uuid: return fmt::format("w.write_uuid({});", v);
        default: return "";
    }
}

// Reads one array element or non-array value of a non-nullable kind into `dst`.
std::string read_element(const FieldType& t, const std::string& r, const std::string& dst, const std::string& flex) {
    if (t.is_struct()) return fmt::format("{}.decode({}, version)", dst, r);
    if (t.kind == Kind::string) return fmt::format("{}.read_string({}, {})", r, dst, flex);
    if (is_bytes_like(t.kind)) return fmt::format("{}.read_bytes({}, {})", r, dst, flex);
    return read_call(t.kind, r, dst);
}

std::string write_element(const FieldType& t, const std::string& v, const std::string& flex) {
    if (t.is_struct()) return fmt::format("{}.encode(w, version);", v);
    if (t.kind == Kind::string) return fmt::format("w.write_string({}, {});", v, flex);
    if (is_bytes_like(t.kind)) return fmt::format("w.write_bytes({}, {});", v, flex);
    return write_call(t.kind, v);
}

std::string size_element(const FieldType& t, const std::string& v, const std::string& flex) {
    if (t.is_struct()) return fmt::format("{}.encoded_size(version)", v);
    if (t.kind == Kind::string) return fmt::format("string_length_size({0}.size(), {1}) + {0}.size()", v, flex);
    if (is_bytes_like(t.kind)) return fmt::format("bytes_length_size({0}.size(), {1}) + {0}.size()", v, flex);
    return fmt::format("{}", fixed_size(t.kind));
}

std::string json_element(const FieldType& t, const std::string& v) {
    if (t.is_struct()) return fmt::format("{}.to_json(j, version);", v);
    switch (t.kind) {
        case Kind::boolean: return fmt::format("j.value(static_cast<bool>({}));", v);
        case Kind::float64: return fmt::format("j.value(static_cast<double>({}));", v);
        case Kind::uint16:
        case Kind::uint32: return fmt::format("j.value(static_cast<std::uint64_t>({}));", v);
        case Kind::string: return fmt::format("j.value(std::string_view({}));", v);
        case Kind::uuid:
        case Kind::bytes:
        case Kind::records: return fmt::format("j.value({});", v);
        default: return fmt::format("j.value(static_cast<std::int64_t>({}));", v);
    }
}

std::string fill_element(const FieldType& t) {
    switch (t.kind) {
        case Kind::boolean: return "f.next_bool()";
        case Kind::float64: return "f.next_double()";
        case Kind::string: return "f.next_string()";
        case Kind::bytes:
        case Kind::records: return "f.next_bytes()";
        case Kind::uuid: return "f.next_uuid()";
        default: return fmt::format("static_cast<{}>(f.next_int())", element_type(t));
    }
}

}  // namespace

std::string FieldCode::flex() const { return flexible_test(field, scope); }

std::string FieldCode::nullable_now() const { return version_test(field.nullable_versions, scope); }

void emit_read(CodeWriter& out, const FieldCode& fc, const std::string& r) {
    const FieldSpec& f = fc.field;
    const std::string& x = fc.target;
    const std::string flex = fc.flex();
    if (f.type.is_array) {
        out.open("{{");
        out.line("std::int32_t count_ = 0;");
        out.line("if (!{}.read_array_length(count_, {}, {})) return {}.fail_in(\"{}\");", r, flex,
                 f.nullable_type() ? fc.nullable_now() : "false", r, f.name);
        std::string items = x;
        if (f.nullable_type()) {
            out.open("if (count_ < 0) {{");
            out.line("{}.reset();", x);
            out.reopen("} else {");
            out.line("auto& items_ = {}.emplace();", x);
            items = "items_";
        }
        out.line("{}.clear();", items);
        out.line("{}.reserve(std::min<std::size_t>(static_cast<std::size_t>(count_), kMaxArrayReserve));", items);
        out.open("for (std::int32_t i_ = 0; i_ < count_; ++i_) {{");
        if (f.type.is_struct()) {
            out.line("auto& item_ = {}.emplace_back();", items);
            out.line("if (!{}) return {}.fail_in_index(\"{}\", static_cast<std::size_t>(i_));",
                     read_element(f.type, r, "item_", flex), r, f.name);
        } else {
            out.line("{} item_{{}};", element_type(f.type));
            out.line("if (!{}) return {}.fail_in_index(\"{}\", static_cast<std::size_t>(i_));",
                     read_element(f.type, r, "item_", flex), r, f.name);
            out.line("{}.push_back(std::move(item_));", items);
        }
        out.close();
        if (f.nullable_type()) out.close();
        out.close();
        return;
    }
    if (!f.nullable_type()) {
        out.line("if (!{}) return {}.fail_in(\"{}\");", read_element(f.type, r, x, flex), r, f.name);
        return;
    }
    if (f.type.kind == Kind::string) {
        out.line("if (!{}.read_nullable_string({}, {}, {})) return {}.fail_in(\"{}\");", r, x, flex, fc.nullable_now(), r, f.name);
    } else if (is_bytes_like(f.type.kind)) {
        out.line("if (!{}.read_nullable_bytes({}, {}, {})) return {}.fail_in(\"{}\");", r, x, flex, fc.nullable_now(), r, f.name);
    } else {
        // A nullable struct: an int8 marker (-1 null, 1 present) in its nullable versions.
        out.open("if ({}) {{", fc.nullable_now());
        out.line("std::int8_t present_ = 0;");
        out.line("if (!{}.read_int8(present_)) return {}.fail_in(\"{}\");", r, r, f.name);
        out.open("if (present_ < 0) {{");
        out.line("{}.reset();", x);
        out.reopen("} else if (!" + fmt::format("{}.emplace().decode({}, version)) {{", x, r));
        out.line("return {}.fail_in(\"{}\");", r, f.name);
        out.close();
        out.reopen("} else if (!" + fmt::format("{}.emplace().decode({}, version)) {{", x, r));
        out.line("return {}.fail_in(\"{}\");", r, f.name);
        out.close();
    }
}

void emit_write(CodeWriter& out, const FieldCode& fc) {
    const FieldSpec& f = fc.field;
    const std::string& x = fc.target;
    const std::string flex = fc.flex();
    if (f.type.is_array) {
        std::string items = x;
        if (f.nullable_type()) {
            out.open("if (!{}) {{", x);
            out.line("w.write_array_length(-1, {});", flex);
            out.reopen("} else {");
            items = "(*" + x + ")";
        }
        out.line("w.write_array_length(static_cast<std::int64_t>({}.size()), {});", items, flex);
        out.line("for (const auto& item_ : {}) {}", items, write_element(f.type, "item_", flex));
        if (f.nullable_type()) out.close();
        return;
    }
    if (!f.nullable_type()) {
        out.line("{}", write_element(f.type, x, flex));
        return;
    }
    if (f.type.kind == Kind::string) {
        out.line("w.write_nullable_string({}, {});", x, flex);
    } else if (is_bytes_like(f.type.kind)) {
        out.line("w.write_nullable_bytes({}, {});", x, flex);
    } else {
        out.open("if ({}) {{", fc.nullable_now());
        out.line("w.write_int8({} ? 1 : -1);", x);
        out.line("if ({0}) {0}->encode(w, version);", x);
        out.reopen("} else {");
        out.line("({0} ? *{0} : {1}{{}}).encode(w, version);", x, f.type.struct_name);
        out.close();
    }
}

void emit_size(CodeWriter& out, const FieldCode& fc, const std::string& acc) {
    const FieldSpec& f = fc.field;
    const std::string& x = fc.target;
    const std::string flex = fc.flex();
    if (f.type.is_array) {
        std::string items = x;
        if (f.nullable_type()) {
            out.open("if (!{}) {{", x);
            out.line("{} += null_length_size({}, false);", acc, flex);
            out.reopen("} else {");
            items = "(*" + x + ")";
        }
        out.line("{} += array_length_size({}.size(), {});", acc, items, flex);
        if (fixed_size(f.type.kind) > 0) {
            out.line("{} += {}.size() * {};", acc, items, fixed_size(f.type.kind));
        } else {
            out.line("for (const auto& item_ : {}) {} += {};", items, acc, size_element(f.type, "item_", flex));
        }
        if (f.nullable_type()) out.close();
        return;
    }
    if (!f.nullable_type()) {
        out.line("{} += {};", acc, size_element(f.type, x, flex));
        return;
    }
    if (f.type.kind == Kind::string || is_bytes_like(f.type.kind)) {
        out.line("{} += {} ? {} : null_length_size({}, {});", acc, x, size_element(f.type, "(*" + x + ")", flex), flex,
                 f.type.kind == Kind::string ? "true" : "false");
    } else {
        out.open("if ({}) {{", fc.nullable_now());
        out.line("{} += 1 + ({} ? {}->encoded_size(version) : 0);", acc, x, x);
        out.reopen("} else {");
        out.line("{0} += ({1} ? *{1} : {2}{{}}).encoded_size(version);", acc, x, f.type.struct_name);
        out.close();
    }
}

void emit_json(CodeWriter& out, const FieldCode& fc) {
    const FieldSpec& f = fc.field;
    std::string v = fc.target;
    if (f.nullable_type()) {
        out.open("if (!{}) {{", v);
        out.line("j.value_null();");
        out.reopen("} else {");
        v = "(*" + v + ")";
    }
    if (f.type.is_array) {
        out.line("j.begin_array();");
        out.line("for (const auto& item_ : {}) {}", v, json_element(f.type, "item_"));
        out.line("j.end_array();");
    } else {
        out.line("{}", json_element(f.type, v));
    }
    if (f.nullable_type()) out.close();
}

void emit_fill(CodeWriter& out, const FieldCode& fc) {
    const FieldSpec& f = fc.field;
    const std::string& x = fc.target;
    const bool nullable = f.nullable_type();
    if (nullable) {
        out.open("if ({} && f.use_nulls()) {{", fc.nullable_now());
        out.line("{} = std::nullopt;", x);
        out.reopen("} else {");
    }
    const std::string value = nullable ? x + ".emplace()" : x;
    if (f.type.is_array) {
        out.line("auto& items_ = {};", value);
        out.line("items_.clear();");
        out.open("for (std::size_t i_ = 0, n_ = f.array_size(); i_ < n_; ++i_) {{");
        if (f.type.is_struct()) {
            out.line("fill_for_test(items_.emplace_back(), version, f);");
        } else {
            out.line("items_.push_back({});", fill_element(f.type));
        }
        out.close();
    } else if (f.type.is_struct()) {
        out.line("fill_for_test({}, version, f);", value);
    } else {
        out.line("{} = {};", nullable ? x : value, fill_element(f.type));
    }
    if (nullable) out.close();
}

}  // namespace kgate::codegen

#include "emit_struct.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "cpp_model.h"
#include "emit_field.h"
#include "emit_scan.h"
#include "naming.h"

namespace kgate::codegen {
namespace {

std::string kind_enum(MessageKind k) {
    switch (k) {
        case MessageKind::request: return "MessageKind::request";
        case MessageKind::response: return "MessageKind::response";
        case MessageKind::header: return "MessageKind::header";
        case MessageKind::data: return "MessageKind::data";
    }
    return "";
}

// Runs `body` under the version test `test`: skipped when it can never hold, unguarded when
// it always holds, braces either way so locals stay local.
void guarded(CodeWriter& out, const std::string& test, const std::function<void()>& body) {
    if (test == "false") return;
    if (test == "true") out.open("{{");
    else out.open("if ({}) {{", test);
    body();
    out.close();
}

std::string target(const FieldSpec& f) { return "this->" + member_name(f.name); }

}  // namespace

bool is_broker_id(const FieldSpec& f) { return f.entity_type == "brokerId" && f.type.is_integer(); }

bool is_error_code(const FieldSpec& f) { return f.name == "ErrorCode" && !f.type.is_array && f.type.kind == Kind::int16; }

bool contains_fields(const MessageSpec& m, const std::vector<FieldSpec>& fields, bool (*matches)(const FieldSpec&)) {
    for (const auto& f : fields) {
        if (matches(f)) return true;
        if (f.type.is_struct()) {
            const StructSpec* s = m.find_struct(f.type.struct_name);
            if (s && contains_fields(m, s->fields, matches)) return true;
        }
    }
    return false;
}

struct FieldVisitor {
    const char* name;
    const char* doc;
    bool (*matches)(const FieldSpec&);
    bool read_only;  // a const member function, f gets values
};

namespace {

constexpr FieldVisitor kBrokerIds{"for_each_broker_id", "Calls f(std::int32_t&) on every broker id this struct holds at `version`.",
                                  is_broker_id, false};
constexpr FieldVisitor kErrorCodes{"for_each_error_code", "Calls f(std::int16_t) on every ErrorCode this struct holds at `version`.",
                                   is_error_code, true};

}  // namespace

StructEmitter::StructEmitter(const MessageSpec& message, StructView s) : message_(message), s_(std::move(s)) {}

std::string StructEmitter::flexible_expr() const { return version_test(message_.flexible_versions, s_.scope); }

bool StructEmitter::has_tagged() const {
    return std::any_of(s_.fields->begin(), s_.fields->end(), [](const FieldSpec& f) { return f.is_tagged(); });
}

std::vector<const FieldSpec*> StructEmitter::tagged_in_order() const {
    std::vector<const FieldSpec*> out;
    for (const auto& f : *s_.fields) {
        if (f.is_tagged()) out.push_back(&f);
    }
    std::sort(out.begin(), out.end(), [](const FieldSpec* a, const FieldSpec* b) { return *a->tag < *b->tag; });
    return out;
}

void StructEmitter::declaration(CodeWriter& out, bool message_traits) const {
    out.open("struct {} {{", s_.name);
    if (message_traits) {
        const VersionRange v = message_.valid_versions;
        const VersionRange flex = message_.flexible_versions.intersect(v);
        out.line("static constexpr std::string_view message_name = \"{}\";", message_.name);
        out.line("static constexpr std::int16_t api_key = {};", message_.api_key ? *message_.api_key : -1);
        out.line("static constexpr MessageKind kind = {};", kind_enum(message_.kind));
        out.line("static constexpr std::int16_t lowest_version = {};", v.empty() ? 0 : v.lo);
        out.line("static constexpr std::int16_t highest_version = {};", v.empty() ? -1 : v.hi);
        out.line("static constexpr std::int16_t first_flexible_version = {};", flex.empty() ? -1 : flex.lo);
        out.blank();
        for (const auto& st : message_.structs) {
            out.line("using {0} = {1}_structs::{0};", st.name, snake_case(message_.name));
        }
        if (!message_.structs.empty()) out.blank();
    }
    for (const auto& f : *s_.fields) {
        if (!f.about.empty()) out.line("// {}", f.about);
        out.line("{} {} = {};", member_type(f), member_name(f.name), default_expr(f));
    }
    out.line("// Tagged fields this codec does not know, kept to be written back.");
    out.line("UnknownTaggedFields unknown_tags;");
    out.blank();
    out.open("static constexpr std::array<FieldMeta, {}> field_meta{{{{", s_.fields->size());
    for (const auto& f : *s_.fields) {
        const VersionRange v = f.versions;
        out.line("FieldMeta{{\"{}\", \"{}\", \"{}\", {}, {}, {}}},", f.name, f.entity_type, f.type.spelling(), v.empty() ? 0 : v.lo,
                 v.empty() ? -1 : v.hi, f.tag ? static_cast<std::int64_t>(*f.tag) : -1);
    }
    out.close("}};");
    out.blank();
    out.line("bool decode(Reader& r, std::int16_t version);");
    out.line("void encode(Writer& w, std::int16_t version) const;");
    out.line("std::size_t encoded_size(std::int16_t version) const;");
    out.line("void to_json(JsonWriter& j, std::int16_t version) const;");
    ScanEmitter(message_, s_, message_traits).declaration(out);
    field_visitor(out, kBrokerIds);
    field_visitor(out, kErrorCodes);
    out.line("friend bool operator==(const {0}&, const {0}&) = default;", s_.name);
    out.close("};");
}

void StructEmitter::field_visitor(CodeWriter& out, const FieldVisitor& visitor) const {
    out.line("// {}", visitor.doc);
    const char* qualifier = visitor.read_only ? " const" : "";
    out.line("template <class F>");
    if (!contains_fields(message_, *s_.fields, visitor.matches)) {
        out.line("void {}(std::int16_t, F&&){} {{}}", visitor.name, qualifier);
        return;
    }
    out.open("void {}([[maybe_unused]] std::int16_t version, F&& f){} {{", visitor.name, qualifier);
    for (const auto& f : *s_.fields) {
        const bool direct = visitor.matches(f);
        const bool nested = f.type.is_struct() && contains_fields(message_, message_.find_struct(f.type.struct_name)->fields, visitor.matches);
        if (!direct && !nested) continue;
        guarded(out, version_test(present_versions(f), s_.scope), [&] {
            std::string v = target(f);
            if (f.nullable_type()) {
                out.open("if ({}) {{", v);
                v = "(*" + v + ")";
            }
            const std::string call = direct ? "f(item_);" : fmt::format("item_.{}(version, f);", visitor.name);
            if (f.type.is_array) {
                out.line("for (auto& item_ : {}) {}", v, call);
            } else {
                out.line("auto& item_ = {};", v);
                out.line("{}", call);
            }
            if (f.nullable_type()) out.close();
        });
    }
    out.close();
}

void StructEmitter::definitions(CodeWriter& out) const {
    decode_fn(out);
    out.blank();
    encode_fn(out);
    out.blank();
    size_fn(out);
    out.blank();
    json_fn(out);
}

void StructEmitter::decode_fn(CodeWriter& out) const {
    out.open("bool {}::decode([[maybe_unused]] Reader& r, [[maybe_unused]] std::int16_t version) {{", s_.name);
    const std::string flex = flexible_expr();
    out.line("[[maybe_unused]] const bool flexible_ = {};", flex);
    for (const auto& f : *s_.fields) {
        if (f.is_tagged()) continue;
        guarded(out, version_test(f.versions, s_.scope), [&] { emit_read(out, FieldCode{f, target(f), s_.scope}, "r"); });
    }
    if (flex != "false") {
        out.open("if (flexible_) {{");
        out.line("std::uint32_t tagged_count_ = 0;");
        out.line("if (!r.read_uvarint(tagged_count_)) return r.fail_in(\"_tagged_fields\");");
        out.line("this->unknown_tags.clear();");
        out.open("for (std::uint32_t t_ = 0; t_ < tagged_count_; ++t_) {{");
        out.line("std::uint32_t tag_ = 0;");
        out.line("std::uint32_t size_ = 0;");
        out.line("BytesView value_;");
        out.line("if (!r.read_uvarint(tag_) || !r.read_uvarint(size_) || !r.read_raw(size_, value_)) return r.fail_in(\"_tagged_fields\");");
        const auto tagged = tagged_in_order();
        if (!tagged.empty()) {
            out.open("switch (tag_) {{");
            for (const FieldSpec* f : tagged) {
                out.open("case {}: {{", *f->tag);
                const std::string test = version_test(f->tagged_versions, s_.scope);
                if (test != "false") {
                    out.open("if ({}) {{", test);
                    out.line("Reader tr_ = r.sub_reader(value_);");
                    out.open("const bool ok_ = [&]() -> bool {{");
                    emit_read(out, FieldCode{*f, target(*f), s_.scope}, "tr_");
                    out.line("return true;");
                    out.close("}();");
                    out.line("if (!ok_ || !tr_.expect_end(\"{}\")) return r.adopt_error(tr_);", f->name);
                    out.line("continue;");
                    out.close();
                }
                out.line("break;");
                out.close();
            }
            out.line("default: break;");
            out.close();
        }
        out.line("this->unknown_tags.push_back(RawTaggedField{{tag_, value_}});");
        out.close();
        out.close();
    }
    out.line("return true;");
    out.close();
}

void StructEmitter::encode_fn(CodeWriter& out) const {
    out.open("void {}::encode([[maybe_unused]] Writer& w, [[maybe_unused]] std::int16_t version) const {{", s_.name);
    const std::string flex = flexible_expr();
    out.line("[[maybe_unused]] const bool flexible_ = {};", flex);
    for (const auto& f : *s_.fields) {
        if (f.is_tagged()) continue;
        guarded(out, version_test(f.versions, s_.scope), [&] { emit_write(out, FieldCode{f, target(f), s_.scope}); });
    }
    if (flex != "false") {
        out.open("if (flexible_) {{");
        const auto tagged = tagged_in_order();
        out.line("auto tagged_count_ = static_cast<std::uint32_t>(this->unknown_tags.size());");
        for (const FieldSpec* f : tagged) {
            out.line("const bool has_tag_{} = {} && !({} == {});", *f->tag, version_test(f->tagged_versions, s_.scope),
                     target(*f), default_expr(*f));
            out.line("if (has_tag_{}) ++tagged_count_;", *f->tag);
        }
        out.line("w.write_uvarint(tagged_count_);");
        out.line("std::size_t u_ = 0;");
        for (const FieldSpec* f : tagged) {
            // Unknown tags keep their place in ascending tag order around the known ones.
            if (*f->tag > 0) {
                out.line("while (u_ < this->unknown_tags.size() && this->unknown_tags[u_].tag < {}) write_raw_tagged_field(w, this->unknown_tags[u_++]);",
                         *f->tag);
            }
            out.open("if (has_tag_{}) {{", *f->tag);
            out.line("std::size_t tag_size_ = 0;");
            emit_size(out, FieldCode{*f, target(*f), s_.scope}, "tag_size_");
            out.line("w.write_uvarint({});", *f->tag);
            out.line("w.write_uvarint(static_cast<std::uint32_t>(tag_size_));");
            emit_write(out, FieldCode{*f, target(*f), s_.scope});
            out.close();
        }
        out.line("while (u_ < this->unknown_tags.size()) write_raw_tagged_field(w, this->unknown_tags[u_++]);");
        out.close();
    }
    out.close();
}

void StructEmitter::size_fn(CodeWriter& out) const {
    out.open("std::size_t {}::encoded_size([[maybe_unused]] std::int16_t version) const {{", s_.name);
    const std::string flex = flexible_expr();
    out.line("[[maybe_unused]] const bool flexible_ = {};", flex);
    out.line("std::size_t n_ = 0;");
    for (const auto& f : *s_.fields) {
        if (f.is_tagged()) continue;
        guarded(out, version_test(f.versions, s_.scope), [&] { emit_size(out, FieldCode{f, target(f), s_.scope}, "n_"); });
    }
    if (flex != "false") {
        out.open("if (flexible_) {{");
        out.line("auto tagged_count_ = static_cast<std::uint32_t>(this->unknown_tags.size());");
        for (const FieldSpec* f : tagged_in_order()) {
            out.open("if ({} && !({} == {})) {{", version_test(f->tagged_versions, s_.scope), target(*f), default_expr(*f));
            out.line("++tagged_count_;");
            out.line("std::size_t tag_size_ = 0;");
            emit_size(out, FieldCode{*f, target(*f), s_.scope}, "tag_size_");
            out.line("n_ += uvarint_size({}) + uvarint_size(static_cast<std::uint32_t>(tag_size_)) + tag_size_;", *f->tag);
            out.close();
        }
        out.line("for (const auto& t_ : this->unknown_tags) n_ += raw_tagged_field_size(t_);");
        out.line("n_ += uvarint_size(tagged_count_);");
        out.close();
    }
    out.line("return n_;");
    out.close();
}

void StructEmitter::json_fn(CodeWriter& out) const {
    out.open("void {}::to_json(JsonWriter& j, [[maybe_unused]] std::int16_t version) const {{", s_.name);
    out.line("[[maybe_unused]] const bool flexible_ = {};", flexible_expr());
    out.line("j.begin_object();");
    for (const auto& f : *s_.fields) {
        guarded(out, version_test(present_versions(f), s_.scope), [&] {
            out.line("j.key(\"{}\");", json_key(f.name));
            emit_json(out, FieldCode{f, target(f), s_.scope});
        });
    }
    out.open("if (flexible_ && !this->unknown_tags.empty()) {{");
    out.line("j.key(\"_unknownTaggedFields\");");
    out.line("unknown_tags_to_json(j, this->unknown_tags);");
    out.close();
    out.line("j.end_object();");
    out.close();
}

void StructEmitter::test_fill(CodeWriter& out) const {
    out.open("void fill_for_test({}& x, [[maybe_unused]] std::int16_t version, [[maybe_unused]] TestFiller& f) {{", s_.name);
    out.line("[[maybe_unused]] const bool flexible_ = {};", flexible_expr());
    for (const auto& f : *s_.fields) {
        guarded(out, version_test(present_versions(f), s_.scope),
                [&] { emit_fill(out, FieldCode{f, "x." + member_name(f.name), s_.scope}); });
    }
    out.line("if (flexible_) f.add_unknown_tags(x.unknown_tags);");
    out.close();
}

}  // namespace kgate::codegen

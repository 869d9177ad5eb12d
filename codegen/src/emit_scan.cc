#include "emit_scan.h"

#include <algorithm>

#include <fmt/format.h>

#include "cpp_model.h"
#include "emit_scan_field.h"

namespace kgate::codegen {

ScanEmitter::ScanEmitter(const MessageSpec& message, StructView s, bool top_level)
    : message_(message), s_(std::move(s)), top_level_(top_level) {}

std::string ScanEmitter::signature(bool in_class) const {
    const char* unused = in_class ? "" : "[[maybe_unused]] ";
    std::string sig = fmt::format("bool {}scan({}Reader& r, {}std::int16_t version, {}ErrorCodeSink sink", in_class ? "" : s_.name + "::",
                                  unused, unused, unused);
    if (top_level_) sig += fmt::format(", {}FieldSpan* spans{}", unused, in_class ? " = nullptr" : "");
    return sig + ")";
}

void ScanEmitter::declaration(CodeWriter& out) const {
    if (top_level_) {
        out.line("// Walks an encoded {} without building it, calling sink on every ErrorCode in", s_.name);
        out.line("// for_each_error_code() order; spans, when given, has a slot per field_meta entry and");
        out.line("// receives where each field present at `version` lies. Fails where decode() fails.");
    } else {
        out.line("// Walks an encoded {} without building it (see the message's scan()).", s_.name);
    }
    out.line("static {};", signature(true));
}

void ScanEmitter::with_span(CodeWriter& out, std::size_t i, const std::string& r, const std::function<void()>& body) const {
    if (!top_level_) {
        body();
        return;
    }
    // Callers run this inside a block of its own, so span_begin_ stays local.
    out.line("const std::size_t span_begin_ = {}.offset();", r);
    body();
    out.line("if (spans != nullptr) spans[{}] = FieldSpan{{span_begin_, {}.offset(), true}};", i, r);
}

void ScanEmitter::definition(CodeWriter& out) const {
    out.open("{} {{", signature(false));
    const std::string flex = version_test(message_.flexible_versions, s_.scope);
    out.line("[[maybe_unused]] const bool flexible_ = {};", flex);
    const auto& fields = *s_.fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const FieldSpec& f = fields[i];
        if (f.is_tagged()) continue;
        const std::string test = version_test(f.versions, s_.scope);
        if (test == "false") continue;
        out.open("if ({}) {{", test);
        with_span(out, i, "r", [&] { emit_scan(out, FieldCode{f, "", s_.scope}, "r"); });
        out.close();
    }
    if (flex != "false") {
        // Tagged fields, read exactly as decode() reads them; unknown tags are passed over.
        out.open("if (flexible_) {{");
        out.line("std::uint32_t tagged_count_ = 0;");
        out.line("if (!r.read_uvarint(tagged_count_)) return r.fail_in(\"_tagged_fields\");");
        out.open("for (std::uint32_t t_ = 0; t_ < tagged_count_; ++t_) {{");
        out.line("std::uint32_t tag_ = 0;");
        out.line("std::uint32_t size_ = 0;");
        out.line("BytesView value_;");
        out.line("if (!r.read_uvarint(tag_) || !r.read_uvarint(size_) || !r.read_raw(size_, value_)) return r.fail_in(\"_tagged_fields\");");
        std::vector<std::size_t> tagged;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (fields[i].is_tagged()) tagged.push_back(i);
        }
        std::sort(tagged.begin(), tagged.end(), [&](std::size_t a, std::size_t b) { return *fields[a].tag < *fields[b].tag; });
        if (!tagged.empty()) {
            out.open("switch (tag_) {{");
            for (const std::size_t i : tagged) {
                const FieldSpec& f = fields[i];
                const std::string test = version_test(f.tagged_versions, s_.scope);
                if (test == "false") continue;
                out.open("case {}: {{", *f.tag);
                out.open("if ({}) {{", test);
                out.line("Reader tr_ = r.sub_reader(value_);");
                out.open("const bool ok_ = [&]() -> bool {{");
                with_span(out, i, "tr_", [&] { emit_scan(out, FieldCode{f, "", s_.scope}, "tr_"); });
                out.line("return true;");
                out.close("}();");
                out.line("if (!ok_ || !tr_.expect_end(\"{}\")) return r.adopt_error(tr_);", f.name);
                out.close();
                out.line("break;");
                out.close();
            }
            out.line("default: break;");
            out.close();
        }
        out.close();
        out.close();
    }
    out.line("return true;");
    out.close();
}

}  // namespace kgate::codegen

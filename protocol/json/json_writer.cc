#include "protocol/json/json_writer.h"

#include <cmath>

#include <fmt/format.h>

#include "protocol/wire/base64.h"

namespace kgate::protocol {

void JsonWriter::newline() {
    if (indent_ <= 0) return;
    out_ += '\n';
    out_.append(has_element_.size() * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_element_.empty()) {
        if (has_element_.back()) out_ += ',';
        has_element_.back() = true;
        newline();
    }
}

void JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_element_.push_back(false);
}

void JsonWriter::end_object() {
    const bool had = has_element_.back();
    has_element_.pop_back();
    if (had) newline();
    out_ += '}';
}

void JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_element_.push_back(false);
}

void JsonWriter::end_array() {
    const bool had = has_element_.back();
    has_element_.pop_back();
    if (had) newline();
    out_ += ']';
}

void JsonWriter::key(std::string_view k) {
    before_value();
    write_quoted(k);
    out_ += indent_ > 0 ? ": " : ":";
    after_key_ = true;
}

void JsonWriter::value_null() {
    before_value();
    out_ += "null";
}

void JsonWriter::value(bool v) {
    before_value();
    out_ += v ? "true" : "false";
}

void JsonWriter::value(std::int64_t v) {
    before_value();
    out_ += fmt::format("{}", v);
}

void JsonWriter::value(std::uint64_t v) {
    before_value();
    out_ += fmt::format("{}", v);
}

void JsonWriter::value(double v) {
    before_value();
    if (std::isfinite(v)) out_ += fmt::format("{}", v);
    else out_ += fmt::format("\"{}\"", v);  // JSON has no NaN or infinity
}

void JsonWriter::value(std::string_view v) {
    before_value();
    write_quoted(v);
}

void JsonWriter::write_quoted(std::string_view v) {
    out_ += '"';
    for (const char c : v) {
        switch (c) {
            case '"': out_ += "\\\""; break;
            case '\\': out_ += "\\\\"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\t': out_ += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else out_ += c;
        }
    }
    out_ += '"';
}

void JsonWriter::value(BytesView v) { value(std::string_view(base64_encode(v.span()))); }

}  // namespace kgate::protocol

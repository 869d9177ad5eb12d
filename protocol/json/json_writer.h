#pragma once
// A small streaming JSON writer for printing decoded messages. Generated to_json() code
// calls it field by field; it is cheap to compile, unlike a full JSON library per message.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol {

class JsonWriter {
public:
    explicit JsonWriter(int indent = 2) : indent_(indent) {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    void key(std::string_view k);

    void value_null();
    void value(bool v);
    void value(std::int64_t v);
    void value(std::uint64_t v);
    void value(double v);
    void value(std::string_view v);
    void value(const Uuid& v) { value(v.to_string()); }
    // Bytes and records print as standard base64, as Kafka's own JSON tools do.
    void value(BytesView v);

    const std::string& str() const { return out_; }

private:
    void before_value();
    void newline();
    void write_quoted(std::string_view v);

    std::string out_;
    int indent_;
    // Per open container: true once it holds an element.
    std::vector<bool> has_element_;
    bool after_key_ = false;
};

}  // namespace kgate::protocol

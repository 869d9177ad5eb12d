#pragma once
// Accumulates generated source with indentation, so emitters read as the code they write.
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace kgate::codegen {

class CodeWriter {
public:
    template <class... Args>
    void line(fmt::format_string<Args...> f, Args&&... args) {
        text_.append(static_cast<std::size_t>(depth_) * 4, ' ');
        text_ += fmt::format(f, std::forward<Args>(args)...);
        text_ += '\n';
    }
    void blank() { text_ += '\n'; }
    // A line that opens a block: "head {" and indents what follows.
    template <class... Args>
    void open(fmt::format_string<Args...> f, Args&&... args) {
        line(f, std::forward<Args>(args)...);
        ++depth_;
    }
    // Closes a block: "}" (or `tail`, e.g. "};" or "} else {").
    void close(std::string_view tail = "}") {
        --depth_;
        text_.append(static_cast<std::size_t>(depth_) * 4, ' ');
        text_ += tail;
        text_ += '\n';
    }
    // "} else {" style: closes one block and opens the next at the same depth.
    void reopen(std::string_view middle) {
        close(middle);
        ++depth_;
    }
    void raw(std::string_view text) { text_ += text; }

    const std::string& str() const { return text_; }

private:
    std::string text_;
    int depth_ = 0;
};

}  // namespace kgate::codegen

#include "naming.h"

#include <cctype>
#include <set>

namespace kgate::codegen {

std::string snake_case(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (i > 0 && std::isupper(c)) {
            const auto prev = static_cast<unsigned char>(name[i - 1]);
            if (std::islower(prev) || std::isdigit(prev)) out += '_';
        }
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

std::string member_name(std::string_view field_name) {
    static const std::set<std::string, std::less<>> keywords = {
        "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const",
        "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern", "false",
        "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "not",
        "operator", "or", "private", "protected", "public", "register", "return", "short", "signed", "sizeof",
        "static", "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typename", "union",
        "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "concept", "requires", "co_await",
        "co_return", "co_yield", "module", "import"};
    std::string s = snake_case(field_name);
    // Names the generated structs use for their own members.
    if (keywords.contains(s) || s == "unknown_tags" || s == "version") s += '_';
    return s;
}

std::string json_key(std::string_view field_name) {
    std::string s(field_name);
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

}  // namespace kgate::codegen

#include "spec_parser.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "default_value.h"
#include "spec_error.h"

namespace kgate::codegen {
namespace {

using nlohmann::json;

const std::set<std::string> kTopLevelKeys = {"apiKey", "type", "name", "validVersions", "flexibleVersions", "fields",
                                              "commonStructs", "listeners", "latestVersionUnstable"};
const std::set<std::string> kFieldKeys = {"name", "type", "versions", "nullableVersions", "taggedVersions", "tag",
                                          "ignorable", "default", "entityType", "mapKey", "about", "fields",
                                          "flexibleVersions", "zeroCopy"};
const std::set<std::string> kCommonStructKeys = {"name", "versions", "fields"};
const std::set<std::string> kListeners = {"broker", "controller", "zkBroker"};

// Collects structs while fields are parsed, then orders them definitions-first.
class Parser {
public:
    Parser(const json& doc, std::string file) : doc_(doc), file_(std::move(file)) {}

    MessageSpec parse() {
        if (!doc_.is_object()) fail("", "the document is not a JSON object");
        check_keys(doc_, kTopLevelKeys, "");
        MessageSpec m;
        m.file = file_;
        m.name = string_attr(doc_, "name", "", true);
        const std::string type = string_attr(doc_, "type", "", true);
        if (type == "request") m.kind = MessageKind::request;
        else if (type == "response") m.kind = MessageKind::response;
        else if (type == "header") m.kind = MessageKind::header;
        else if (type == "data") m.kind = MessageKind::data;
        else fail("", fmt::format("unknown message type \"{}\"", type));
        if (doc_.contains("apiKey")) {
            const auto& k = doc_["apiKey"];
            if (!k.is_number_integer() || k.get<int>() < 0 || k.get<int>() > 32767) fail("", "apiKey must be an int16");
            m.api_key = static_cast<std::int16_t>(k.get<int>());
        }
        if ((m.kind == MessageKind::request || m.kind == MessageKind::response) && !m.api_key) {
            fail("", "a request or response needs an apiKey");
        }
        m.valid_versions = range_attr(doc_, "validVersions", "", true, VersionRange::none());
        m.flexible_versions = range_attr(doc_, "flexibleVersions", "", false, VersionRange::none());
        flexible_ = m.flexible_versions;
        if (doc_.contains("latestVersionUnstable")) {
            if (!doc_["latestVersionUnstable"].is_boolean()) fail("", "latestVersionUnstable must be a boolean");
            m.latest_version_unstable = doc_["latestVersionUnstable"].get<bool>();
        }
        if (doc_.contains("listeners")) {
            const auto& l = doc_["listeners"];
            if (!l.is_array()) fail("", "listeners must be an array");
            for (const auto& e : l) {
                if (!e.is_string() || !kListeners.contains(e.get<std::string>())) {
                    fail("", fmt::format("unknown listener {}", e.dump()));
                }
                m.listeners.push_back(e.get<std::string>());
            }
        }
        if (doc_.contains("commonStructs")) {
            const auto& cs = doc_["commonStructs"];
            if (!cs.is_array()) fail("", "commonStructs must be an array");
            for (const auto& s : cs) parse_common_struct(s);
        }
        if (doc_.contains("fields")) m.fields = parse_fields(doc_["fields"], "", m.valid_versions);
        if (m.valid_versions.empty() && !m.fields.empty()) fail("", "validVersions is none but fields are defined");

        check_references(m.fields, "");
        for (const auto& [name, s] : structs_) check_references(s.fields, name + ".");
        m.structs = ordered_structs();
        return m;
    }

private:
    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        if (where.empty()) throw SpecError(fmt::format("{}: {}", file_, what));
        throw SpecError(fmt::format("{}: field {}: {}", file_, where, what));
    }

    void check_keys(const json& obj, const std::set<std::string>& allowed, const std::string& where) const {
        for (const auto& [key, value] : obj.items()) {
            if (!allowed.contains(key)) fail(where, fmt::format("unknown attribute \"{}\"", key));
        }
    }

    std::string string_attr(const json& obj, const char* key, const std::string& where, bool required) const {
        if (!obj.contains(key)) {
            if (required) fail(where, fmt::format("missing \"{}\"", key));
            return {};
        }
        if (!obj[key].is_string()) fail(where, fmt::format("\"{}\" must be a string", key));
        return obj[key].get<std::string>();
    }

    bool bool_attr(const json& obj, const char* key, const std::string& where) const {
        if (!obj.contains(key)) return false;
        if (!obj[key].is_boolean()) fail(where, fmt::format("\"{}\" must be a boolean", key));
        return obj[key].get<bool>();
    }

    VersionRange range_attr(const json& obj, const char* key, const std::string& where, bool required,
                            VersionRange fallback) const {
        if (!obj.contains(key)) {
            if (required) fail(where, fmt::format("missing \"{}\"", key));
            return fallback;
        }
        const std::string what = where.empty() ? fmt::format("{}: {}", file_, key)
                                               : fmt::format("{}: field {}: {}", file_, where, key);
        if (!obj[key].is_string()) throw SpecError(what + " must be a string");
        return VersionRange::parse(obj[key].get<std::string>(), what);
    }

    void parse_common_struct(const json& s) {
        if (!s.is_object()) fail("", "a common struct must be an object");
        const std::string name = string_attr(s, "name", "commonStructs", true);
        check_keys(s, kCommonStructKeys, name);
        StructSpec spec;
        spec.name = name;
        spec.versions = range_attr(s, "versions", name, true, VersionRange::none());
        spec.is_common = true;
        if (!s.contains("fields")) fail(name, "a common struct needs fields");
        spec.fields = parse_fields(s["fields"], name + ".", spec.versions);
        define_struct(std::move(spec), name);
    }

    void define_struct(StructSpec spec, const std::string& where) {
        if (structs_.contains(spec.name)) fail(where, fmt::format("struct {} is defined more than once", spec.name));
        const std::string name = spec.name;
        definition_order_.push_back(name);
        structs_.emplace(name, std::move(spec));
    }

    std::vector<FieldSpec> parse_fields(const json& arr, const std::string& prefix, const VersionRange& scope) {
        if (!arr.is_array()) fail(prefix, "fields must be an array");
        std::vector<FieldSpec> out;
        std::set<std::string> names;
        std::set<std::uint32_t> tags;
        for (const auto& f : arr) {
            FieldSpec spec = parse_field(f, prefix, scope);
            const std::string where = prefix + spec.name;
            if (!names.insert(spec.name).second) fail(where, "duplicate field name");
            if (spec.tag && !tags.insert(*spec.tag).second) fail(where, fmt::format("duplicate tag {}", *spec.tag));
            out.push_back(std::move(spec));
        }
        return out;
    }

    FieldSpec parse_field(const json& f, const std::string& prefix, const VersionRange& scope) {
        if (!f.is_object()) fail(prefix, "a field must be an object");
        FieldSpec spec;
        spec.name = string_attr(f, "name", prefix + "?", true);
        const std::string where = prefix + spec.name;
        check_keys(f, kFieldKeys, where);
        if (spec.name.empty() || !std::isalpha(static_cast<unsigned char>(spec.name.front())) ||
            !std::all_of(spec.name.begin(), spec.name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); })) {
            fail(where, "field names are alphanumeric and start with a letter");
        }
        spec.type = FieldType::parse(string_attr(f, "type", where, true), fmt::format("{}: field {}", file_, where));
        spec.versions = range_attr(f, "versions", where, true, VersionRange::none());
        spec.nullable_versions = range_attr(f, "nullableVersions", where, false, VersionRange::none());
        if (f.contains("flexibleVersions")) spec.flexible_versions = range_attr(f, "flexibleVersions", where, false, VersionRange::none());
        spec.tagged_versions = range_attr(f, "taggedVersions", where, false, VersionRange::none());
        spec.about = string_attr(f, "about", where, false);
        spec.entity_type = string_attr(f, "entityType", where, false);
        spec.ignorable = bool_attr(f, "ignorable", where);
        spec.map_key = bool_attr(f, "mapKey", where);
        spec.zero_copy = bool_attr(f, "zeroCopy", where);

        if (!spec.nullable_versions.empty() && !spec.type.can_be_null()) {
            fail(where, fmt::format("type {} cannot have nullableVersions", spec.type.spelling()));
        }
        if (spec.flexible_versions && (spec.type.is_array || (spec.type.kind != Kind::string && spec.type.kind != Kind::bytes))) {
            fail(where, "flexibleVersions may only be set on string and bytes fields");
        }
        if (spec.zero_copy && spec.type.kind != Kind::bytes && spec.type.kind != Kind::records) {
            fail(where, "zeroCopy applies only to bytes and records");
        }
        if (f.contains("tag")) {
            const auto& t = f["tag"];
            if (!t.is_number_integer() || t.get<long long>() < 0 || t.get<long long>() > INT32_MAX) {
                fail(where, "tag must be a non-negative integer");
            }
            spec.tag = static_cast<std::uint32_t>(t.get<long long>());
            if (spec.tagged_versions.empty()) fail(where, "a tagged field needs taggedVersions");
            if (!flexible_.contains(spec.tagged_versions)) {
                fail(where, fmt::format("taggedVersions {} lie outside the flexible versions {}",
                                        spec.tagged_versions.to_string(), flexible_.to_string()));
            }
            if (!spec.versions.contains(spec.tagged_versions)) {
                fail(where, fmt::format("taggedVersions {} lie outside the field's versions {}",
                                        spec.tagged_versions.to_string(), spec.versions.to_string()));
            }
        } else if (!spec.tagged_versions.empty()) {
            fail(where, "taggedVersions without a tag");
        }
        if (f.contains("default")) {
            const auto& d = f["default"];
            if (d.is_string()) spec.default_value = d.get<std::string>();
            else if (d.is_number_integer() || d.is_boolean()) spec.default_value = d.dump();
            else fail(where, "default must be a string, number or boolean");
            check_default(spec, fmt::format("{}: field {}", file_, where));
        }
        if (f.contains("fields")) {
            if (!spec.type.is_struct()) fail(where, "only struct-typed fields may define fields");
            StructSpec s;
            s.name = spec.type.struct_name;
            s.versions = spec.versions.intersect(scope.empty() ? VersionRange::all() : scope);
            s.fields = parse_fields(f["fields"], where + ".", s.versions);
            define_struct(std::move(s), where);
        }
        return spec;
    }

    void check_references(const std::vector<FieldSpec>& fields, const std::string& prefix) const {
        for (const auto& f : fields) {
            if (f.type.is_struct() && !structs_.contains(f.type.struct_name)) {
                fail(prefix + f.name, fmt::format("struct {} is never defined", f.type.struct_name));
            }
        }
    }

    std::vector<StructSpec> ordered_structs() const {
        std::vector<StructSpec> out;
        std::set<std::string> done;
        std::set<std::string> visiting;
        std::function<void(const std::string&)> visit = [&](const std::string& name) {
            if (done.contains(name)) return;
            if (!visiting.insert(name).second) fail(name, "structs refer to each other in a cycle");
            const StructSpec& s = structs_.at(name);
            for (const auto& f : s.fields) {
                if (f.type.is_struct()) visit(f.type.struct_name);
            }
            visiting.erase(name);
            done.insert(name);
            out.push_back(s);
        };
        // Definition order of the file, so generated code reads like the JSON.
        for (const auto& name : definition_order_) visit(name);
        for (const auto& [name, s] : structs_) visit(name);
        return out;
    }

    const json& doc_;
    std::string file_;
    VersionRange flexible_ = VersionRange::none();
    std::map<std::string, StructSpec> structs_;
    std::vector<std::string> definition_order_;
};

}  // namespace

VersionRange MessageSpec::stable_versions() const {
    if (!latest_version_unstable || valid_versions.empty()) return valid_versions;
    if (valid_versions.lo == valid_versions.hi) return VersionRange::none();
    return {valid_versions.lo, static_cast<std::int16_t>(valid_versions.hi - 1)};
}

const StructSpec* MessageSpec::find_struct(const std::string& n) const {
    for (const auto& s : structs) {
        if (s.name == n) return &s;
    }
    return nullptr;
}

MessageSpec parse_message_spec(const nlohmann::json& doc, const std::string& file) {
    return Parser(doc, file).parse();
}

MessageSpec load_message_spec(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw SpecError(fmt::format("{}: cannot open", path.string()));
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.str(), nullptr, true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
        throw SpecError(fmt::format("{}: not valid JSON: {}", path.filename().string(), e.what()));
    }
    return parse_message_spec(doc, path.filename().string());
}

}  // namespace kgate::codegen

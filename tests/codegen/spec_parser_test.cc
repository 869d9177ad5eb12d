// The generator refuses definitions it does not understand, naming the file and the field,
// instead of generating a codec that silently mis-encodes.
#include "spec_parser.h"

#include <gtest/gtest.h>

#include "spec_error.h"
#include "version_range.h"

namespace kgate::codegen {
namespace {

nlohmann::json message(nlohmann::json fields) {
    return {{"apiKey", 99}, {"type", "request"}, {"name", "TestRequest"}, {"validVersions", "0-3"},
            {"flexibleVersions", "2+"}, {"fields", std::move(fields)}};
}

std::string error_of(const nlohmann::json& doc) {
    try {
        parse_message_spec(doc, "TestRequest.json");
    } catch (const SpecError& e) {
        return e.what();
    }
    return "";
}

TEST(VersionRange, ParsesEveryForm) {
    EXPECT_EQ(VersionRange::parse("3", "x"), (VersionRange{3, 3}));
    EXPECT_EQ(VersionRange::parse("0-7", "x"), (VersionRange{0, 7}));
    EXPECT_TRUE(VersionRange::parse("9+", "x").open_ended());
    EXPECT_TRUE(VersionRange::parse("none", "x").empty());
    EXPECT_THROW(VersionRange::parse("3-1", "x"), SpecError);
    EXPECT_THROW(VersionRange::parse("a+", "x"), SpecError);
    EXPECT_THROW(VersionRange::parse("", "x"), SpecError);
    EXPECT_THROW(VersionRange::parse("1-", "x"), SpecError);
}

TEST(SpecParser, AcceptsAValidDefinition) {
    const auto m = parse_message_spec(
        message({{{"name", "Topics"}, {"type", "[]Topic"}, {"versions", "0+"}, {"nullableVersions", "1+"},
                  {"fields", {{{"name", "Name"}, {"type", "string"}, {"versions", "0+"}, {"entityType", "topicName"}}}}},
                 {{"name", "Extra"}, {"type", "int32"}, {"versions", "2+"}, {"taggedVersions", "2+"}, {"tag", 0}, {"default", "-1"}}}),
        "TestRequest.json");
    EXPECT_EQ(m.name, "TestRequest");
    EXPECT_EQ(m.api_key, 99);
    ASSERT_EQ(m.structs.size(), 1u);
    EXPECT_EQ(m.structs[0].name, "Topic");
    EXPECT_EQ(m.fields[1].tag, 0u);
}

TEST(SpecParser, UnknownAttributeNamesFileAndField) {
    const auto e = error_of(message({{{"name", "Topics"}, {"type", "[]Topic"}, {"versions", "0+"},
                                      {"fields", {{{"name", "Name"}, {"type", "string"}, {"versions", "0+"}, {"sorted", true}}}}}}));
    EXPECT_EQ(e, "TestRequest.json: field Topics.Name: unknown attribute \"sorted\"");
}

TEST(SpecParser, UnknownTopLevelAttributeIsRefused) {
    auto doc = message(nlohmann::json::array());
    doc["deprecatedVersions"] = "0";
    EXPECT_EQ(error_of(doc), "TestRequest.json: unknown attribute \"deprecatedVersions\"");
}

TEST(SpecParser, MalformedVersionRangeNamesFileAndField) {
    const auto e = error_of(message({{{"name", "Count"}, {"type", "int32"}, {"versions", "2-x"}}}));
    EXPECT_EQ(e, "TestRequest.json: field Count: versions: malformed version range \"2-x\"");
}

TEST(SpecParser, RefusesInconsistentDefinitions) {
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "int32"}, {"versions", "0+"}, {"nullableVersions", "0+"}}})).find("cannot have nullableVersions"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "int32"}, {"versions", "0+"}, {"tag", 0}}})).find("needs taggedVersions"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "int32"}, {"versions", "0+"}, {"taggedVersions", "0+"}, {"tag", 0}}}))
                  .find("outside the flexible versions"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "Missing"}, {"versions", "0+"}}})).find("struct Missing is never defined"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "int8"}, {"versions", "0+"}, {"default", "300"}}})).find("not a valid int8"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "int8"}, {"versions", "0+"}}, {{"name", "A"}, {"type", "int8"}, {"versions", "0+"}}}))
                  .find("duplicate field name"),
              std::string::npos);
    EXPECT_NE(error_of(message({{{"name", "A"}, {"type", "map<int>"}, {"versions", "0+"}}})).find("unknown type"), std::string::npos);
}

}  // namespace
}  // namespace kgate::codegen

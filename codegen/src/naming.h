#pragma once
// How definition names become C++ and file names. CMake derives generated file names with
// the same snake_case rule (cmake/KafkaMessages.cmake): keep the two in step.
#include <string>
#include <string_view>

namespace kgate::codegen {

// "MetadataResponse" -> "metadata_response": '_' before an upper-case letter that follows a
// lower-case letter or digit, then everything lower-case.
std::string snake_case(std::string_view name);
// A member name: snake_case, with '_' appended where it would be a C++ keyword.
std::string member_name(std::string_view field_name);
// The JSON key used when printing a field: lowerCamelCase, as Kafka's JSON tools print it.
std::string json_key(std::string_view field_name);

}  // namespace kgate::codegen

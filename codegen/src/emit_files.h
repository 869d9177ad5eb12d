#pragma once
// The generated files: one header and source per message definition, plus the API table,
// request/response dispatch and the test-only fill functions and registry.
#include <string>
#include <vector>

#include "message_spec.h"

namespace kgate::codegen {

struct GeneratedFile {
    std::string path;  // relative to the output directory
    std::string text;
};

struct GeneratorOptions {
    std::string spec_version;  // the Kafka release the definitions came from
};

GeneratedFile message_header(const MessageSpec& m, const GeneratorOptions& opt);
GeneratedFile message_source(const MessageSpec& m, const GeneratorOptions& opt);
GeneratedFile message_test_fill(const MessageSpec& m, const GeneratorOptions& opt);

std::vector<GeneratedFile> registry_files(const std::vector<MessageSpec>& all, const GeneratorOptions& opt);

}  // namespace kgate::codegen

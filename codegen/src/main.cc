// kgate-codegen: reads Kafka's message definitions and writes the C++ codec into a build tree.
//   kgate-codegen --input DIR --output DIR --spec-version V
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "emit_files.h"
#include "spec_error.h"
#include "spec_parser.h"

namespace fs = std::filesystem;
using namespace kgate::codegen;

namespace {

// Writes only when the content changed, so a re-run does not force a rebuild.
void write_if_changed(const fs::path& path, const std::string& text) {
    {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (old == text) return;
        }
    }
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw SpecError("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Generates kgate's Kafka codec from Apache Kafka message definitions"};
    std::string input;
    std::string output;
    GeneratorOptions opt;
    bool check_only = false;
    app.add_option("--input", input, "directory of *.json message definitions")->required()->check(CLI::ExistingDirectory);
    app.add_option("--output", output, "directory to write generated sources into");
    app.add_option("--spec-version", opt.spec_version, "Kafka release the definitions come from")->required();
    app.add_flag("--check", check_only, "only validate the definitions");
    CLI11_PARSE(app, argc, argv);

    try {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(input)) {
            if (e.path().extension() == ".json") files.push_back(e.path());
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) throw SpecError("no *.json message definitions in " + input);

        std::vector<MessageSpec> specs;
        std::set<std::string> names;
        for (const auto& f : files) {
            specs.push_back(load_message_spec(f));
            if (!names.insert(specs.back().name).second) throw SpecError(f.filename().string() + ": duplicate message name " + specs.back().name);
        }
        if (check_only) {
            std::cout << "kgate-codegen: " << specs.size() << " definitions are valid\n";
            return 0;
        }
        if (output.empty()) throw SpecError("--output is required unless --check is given");
        std::vector<GeneratedFile> out;
        for (const auto& m : specs) {
            out.push_back(message_header(m, opt));
            out.push_back(message_source(m, opt));
            out.push_back(message_test_fill(m, opt));
        }
        for (auto& f : registry_files(specs, opt)) out.push_back(std::move(f));
        for (const auto& f : out) write_if_changed(fs::path(output) / f.path, f.text);
        std::cout << "kgate-codegen: " << specs.size() << " definitions, " << out.size() << " files\n";
    } catch (const SpecError& e) {
        std::cerr << "kgate-codegen: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

#include "tests/gateway/tls/test_certs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kgate::gateway::test {
namespace {

// Removes the temporary folders at exit.
struct TempDir {
    std::string path;
    explicit TempDir(const char* prefix) {
        std::string pattern = (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

}  // namespace

const std::string& test_certs_dir() {
    static const std::string dir = [] {
        if (const char* given = std::getenv("KGATE_TLS_TEST_CERTS"); given != nullptr && *given != '\0') return std::string(given);
        static TempDir made("kgate-tls-certs-");
        const std::string command = std::string("sh '") + KGATE_MAKE_TEST_CERTS + "' '" + made.path + "'";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
        return made.path;
    }();
    return dir;
}

std::string test_cert(const std::string& name) { return test_certs_dir() + "/" + name; }

std::string scratch_dir() {
    static TempDir dir("kgate-tls-scratch-");
    return dir.path;
}

std::string scratch_file(const std::string& name, const std::string& content) {
    const std::string path = scratch_dir() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace kgate::gateway::test

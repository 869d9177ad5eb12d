#pragma once
// The certificates tests/tls/make_test_certs.sh makes: the folder ctest's fixture filled
// (KGATE_TLS_TEST_CERTS), or, when the test runs by hand, a temporary one made on first use.
#include <string>

namespace kgate::gateway::test {

// The folder holding ca.pem, server.pem, server.key, ... (see make_test_certs.sh).
const std::string& test_certs_dir();
std::string test_cert(const std::string& name);

// A fresh scratch folder for files a test writes; removed at exit.
std::string scratch_dir();
// Writes `content` to scratch_dir()/name and returns its path.
std::string scratch_file(const std::string& name, const std::string& content);
std::string read_text(const std::string& path);

}  // namespace kgate::gateway::test

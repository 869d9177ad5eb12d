// upstream-tls and an `overrides` entry's tls in the configuration file, and what validation
// says about them (every problem named, at start-up and in check-config).
#include "gateway/config/upstream_tls_yaml.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/config/mentions.h"
#include "gateway/config/config_loader.h"
#include "gateway/tls/test_certs.h"

namespace kgate::gateway {
namespace {

using test::test_cert;

UpstreamTls parsed(const std::string& yaml, std::vector<std::string>& problems) {
    UpstreamTls out;
    out.server_name = "untouched";
    parse_upstream_tls(YAML::Load(yaml), "upstream-tls", out, problems);
    return out;
}

GatewayConfig loaded(const std::string& yaml, std::vector<std::string>& problems) {
    ConfigFlags flags;
    flags.config_file = test::scratch_file("kgate.yaml", "upstream: [127.0.0.1:29092]\n" + yaml);
    return load_config(flags, problems);
}

TEST(UpstreamTlsYaml, ABooleanTurnsTlsOnOrOff) {
    std::vector<std::string> problems;
    EXPECT_TRUE(parsed("true", problems).enabled);
    EXPECT_FALSE(parsed("false", problems).enabled);
    EXPECT_TRUE(problems.empty());
    parsed("maybe", problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("upstream-tls: \"maybe\""), std::string::npos) << problems[0];
}

TEST(UpstreamTlsYaml, AMappingTurnsTlsOnWithItsFields) {
    std::vector<std::string> problems;
    const auto t = parsed("{ca: /ca.pem, certificate: /c.pem, key: /c.key, server-name: kafka.test}", problems);
    EXPECT_TRUE(problems.empty());
    EXPECT_TRUE(t.enabled);
    EXPECT_EQ(t.ca_file, "/ca.pem");
    EXPECT_EQ(t.certificate_file, "/c.pem");
    EXPECT_EQ(t.key_file, "/c.key");
    EXPECT_EQ(t.server_name, "kafka.test");
    EXPECT_TRUE(t.verify);
    EXPECT_FALSE(parsed("{insecure-skip-verify: true}", problems).verify);
    EXPECT_FALSE(parsed("{enabled: false}", problems).enabled);
}

TEST(UpstreamTlsYaml, UnknownFieldsAndBadValuesAreNamedAndNothingIsSet) {
    std::vector<std::string> problems;
    const auto t = parsed("{ca-file: /ca.pem, insecure-skip-verify: sometimes}", problems);
    EXPECT_EQ(t.server_name, "untouched");
    EXPECT_TRUE(mentions(problems, "unknown setting \"ca-file\"")) << problems.size();
    EXPECT_TRUE(mentions(problems, "upstream-tls.insecure-skip-verify: \"sometimes\""));
    problems.clear();
    parsed("[1, 2]", problems);
    EXPECT_TRUE(mentions(problems, "must be true, false or a mapping"));
}

TEST(UpstreamTlsYaml, TheClusterDefaultAndPerNodeOverridesLoadAndValidate) {
    std::vector<std::string> problems;
    const auto config = loaded("upstream-tls:\n  ca: " + test_cert("ca.pem") +
                                   "\noverrides:\n  - node-id: 2\n    tls: {ca: " + test_cert("other-ca.pem") +
                                   ", server-name: kafka.test}\n  - node-id: 3\n    upstream: 127.0.0.1:29093\n    tls: false\n",
                               problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_TRUE(config.upstream_tls.enabled);
    EXPECT_EQ(config.upstream_tls.ca_file, test_cert("ca.pem"));
    ASSERT_EQ(config.route_tls.size(), 2u);
    EXPECT_EQ(config.route_tls.at(2).server_name, "kafka.test");
    EXPECT_FALSE(config.route_tls.at(3).enabled);
    EXPECT_EQ(config.overrides.size(), 2u);  // node 2's entry holds only tls
}

TEST(UpstreamTlsYaml, EveryProblemWithTheFilesIsNamed) {
    std::vector<std::string> problems;
    loaded("upstream-tls:\n  ca: /no/such/ca.pem\n  certificate: " + test_cert("client.pem") + "\n  server-name: -bad-\n"
           "overrides:\n  - node-id: 4\n    tls: {certificate: " + test_cert("client.pem") + ", key: " + test_cert("wrong.key") + "}\n"
           "  - node-id: 5\n    tls: {enabled: false, ca: /ca.pem}\n",
           problems);
    EXPECT_TRUE(mentions(problems, "upstream-tls: ca: CA bundle /no/such/ca.pem: cannot be read"));
    EXPECT_TRUE(mentions(problems, "upstream-tls: certificate and key: give both"));
    EXPECT_TRUE(mentions(problems, "upstream-tls: server-name:"));
    EXPECT_TRUE(mentions(problems, "overrides: node 4: tls: key:"));
    EXPECT_TRUE(mentions(problems, "overrides: node 5: tls: ca, certificate, key, server-name or insecure-skip-verify given with TLS off"));
}

}  // namespace
}  // namespace kgate::gateway

#include "gateway/sni/sni_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gateway/config/mentions.h"
#include "gateway/config/config_loader.h"
#include "gateway/routing/own_address.h"

namespace kgate::gateway {
namespace {

ConfigFlags tls_flags() {
    ConfigFlags f;
    f.upstream = "broker:9092";
    f.listen = "127.0.0.1:9092";
    f.tls_certificate = "chain.pem";
    f.tls_key = "key.pem";
    return f;
}

TEST(SniConfig, FlagsSetTheListenerItsNamesAndPorts) {
    auto f = tls_flags();
    f.sni = {{"sni-listen", "0.0.0.0:9443"},
             {"sni-advertised-port", "443"},
             {"sni-bootstrap-name", "kafka.example.com"},
             {"sni-broker-pattern", "broker-{node}.kafka.example.com"},
             {"tls-listeners", "sni-only"}};
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    ASSERT_TRUE(c.sni.enabled());
    EXPECT_EQ(*c.sni.listen, (HostPort{"0.0.0.0", 9443}));
    EXPECT_EQ(c.sni.told_port(), 443);
    EXPECT_EQ(c.sni.tls_listeners, TlsListeners::sni_only);
}

TEST(SniConfig, TheYamlFileTakesTheSameNames) {
    const auto path = std::filesystem::temp_directory_path() / ("kgate-sni-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "upstream: broker:9092\ntls-certificate: chain.pem\ntls-key: key.pem\nsni-listen: 127.0.0.1:9443\n"
                           "sni-bootstrap-name: kafka.test\nsni-broker-pattern: b{node}.kafka.test\n";
    ConfigFlags f;
    f.config_file = path.string();
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    std::filesystem::remove(path);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.sni.told_port(), 9443);  // no sni-advertised-port: the listener's own
    EXPECT_EQ(c.sni.broker_pattern, "b{node}.kafka.test");
    EXPECT_EQ(c.sni.tls_listeners, TlsListeners::all);
}

TEST(SniConfig, NamesEveryProblem) {
    auto f = tls_flags();
    f.tls_certificate.reset();
    f.tls_key.reset();
    f.broker_ports = "9093-9100";
    f.sni = {{"sni-listen", "0.0.0.0:9095"},
             {"sni-advertised-port", "70000"},
             {"sni-bootstrap-name", "kafka_1.example.com"},
             {"sni-broker-pattern", "broker.example.com"},
             {"tls-listeners", "some"}};
    std::vector<std::string> problems;
    (void)load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "--sni-advertised-port: \"70000\" is not a port")) << problems.front();
    EXPECT_TRUE(mentions(problems, "--tls-listeners: \"some\" is neither all nor sni-only"));
    EXPECT_TRUE(mentions(problems, "sni-listen: needs tls-certificate"));
    EXPECT_TRUE(mentions(problems, "sni-listen: port 9095 is in broker-ports 9093-9100"));
    EXPECT_TRUE(mentions(problems, "sni-bootstrap-name: \"kafka_1.example.com\""));
    EXPECT_TRUE(mentions(problems, "sni-broker-pattern: \"broker.example.com\" must hold {node} exactly once"));
}

TEST(SniConfig, SettingsWithoutTheListenerAreRefused) {
    auto f = tls_flags();
    f.sni = {{"sni-broker-pattern", "broker-{node}.kafka.test"}, {"tls-listeners", "sni-only"}};
    std::vector<std::string> problems;
    (void)load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "given without sni-listen"));
    EXPECT_TRUE(mentions(problems, "tls-listeners: sni-only needs sni-listen"));

    f.sni = {{"sni-listen", "127.0.0.1:9092"}, {"sni-bootstrap-name", "kafka.test"}};
    problems.clear();
    (void)load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "sni-listen: port 9092 is the bootstrap port"));
    EXPECT_TRUE(mentions(problems, "both are required with sni-listen"));
}

TEST(SniConfig, TheSniListenerIsOneOfTheGatewaysOwn) {
    auto f = tls_flags();
    f.sni = {{"sni-listen", "0.0.0.0:9443"}, {"sni-bootstrap-name", "kafka.test"}, {"sni-broker-pattern", "b-{node}.kafka.test"}};
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    const auto own = own_listener(c, {}, {"127.0.0.1", 9443});  // never dialled as a broker: kgate would connect to itself
    ASSERT_TRUE(own);
    EXPECT_NE(own->find("SNI listener 0.0.0.0:9443"), std::string::npos) << *own;
    EXPECT_FALSE(own_listener(c, {}, {"10.0.0.1", 9443}));
}

}  // namespace
}  // namespace kgate::gateway

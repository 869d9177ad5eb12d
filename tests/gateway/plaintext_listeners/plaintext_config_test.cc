#include "gateway/plaintext_listeners/plaintext_config.h"

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
    f.listen = "127.0.0.1:9093";
    f.broker_ports = "9100-9109";
    f.tls_certificate = "chain.pem";
    f.tls_key = "key.pem";
    return f;
}

TEST(PlaintextListenerConfig, FlagsSetTheBootstrapAndTheHostTold) {
    auto f = tls_flags();
    f.plaintext = {{"plaintext-listen", "10.1.2.3:8093"}, {"plaintext-advertised-host", "kgate.internal"}};
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    ASSERT_TRUE(c.plaintext.enabled());
    EXPECT_EQ(*c.plaintext.listen, (HostPort{"10.1.2.3", 8093}));
    EXPECT_EQ(c.plaintext.told_host(), "kgate.internal");
}

TEST(PlaintextListenerConfig, TheYamlFileTakesTheSameNamesAndTheHostToldDefaultsToTheListenHost) {
    const auto path = std::filesystem::temp_directory_path() / ("kgate-plaintext-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "upstream: broker:9092\nlisten: 127.0.0.1:19093\ntls-certificate: chain.pem\ntls-key: key.pem\n"
                           "plaintext-listen: 127.0.0.2:29093\n";
    ConfigFlags f;
    f.config_file = path.string();
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    std::filesystem::remove(path);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.plaintext.told_host(), "127.0.0.2");
}

TEST(PlaintextListenerConfig, RefusedWhereTheListenersArePlaintextAlready) {
    auto f = tls_flags();
    f.tls_certificate.reset();
    f.tls_key.reset();
    f.plaintext = {{"plaintext-listen", "127.0.0.1:19092"}};
    std::vector<std::string> problems;
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "plaintext-listen: the bootstrap and broker listeners are plaintext already (no tls-certificate)"));

    f = tls_flags();
    f.plaintext = {{"plaintext-listen", "127.0.0.1:19092"}};
    f.sni = {{"sni-listen", "127.0.0.1:9443"}, {"sni-bootstrap-name", "k.test"}, {"sni-broker-pattern", "b{node}.k.test"}, {"tls-listeners", "sni-only"}};
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "with tls-listeners sni-only the bootstrap and broker listeners are plaintext already"));
}

TEST(PlaintextListenerConfig, NamesEveryPortThatWouldClash) {
    auto f = tls_flags();  // TLS: bootstrap 9093, brokers 9100-9109
    f.http_listen = "127.0.0.1:9205";
    f.plaintext = {{"plaintext-listen", "127.0.0.1:9098"}};  // shift 5: bootstrap 9098, brokers 9105-9114
    std::vector<std::string> problems;
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "the plaintext broker listeners (ports 9105-9114) would take broker-ports' ports 9100-9109")) << problems.size();
    EXPECT_FALSE(mentions(problems, "http-listen"));

    f.plaintext = {{"plaintext-listen", "127.0.0.1:9193"}};  // shift 100: brokers 9200-9209, the HTTP port among them
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "port 9205, http-listen's, is among the plaintext ports"));

    f.http_listen.reset();
    f.plaintext = {{"plaintext-listen", "127.0.0.1:9093"}};  // shift 0
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "the plaintext bootstrap (port 9093) would take the bootstrap listener's port 9093"));

    f.plaintext = {{"plaintext-listen", "127.0.0.1:65530"}};  // brokers would run past 65535
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "outside 1-65535"));

    f.plaintext = {{"plaintext-listen", "nonsense"}, {"plaintext-advertised-host", "x"}};
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "--plaintext-listen:"));
}

TEST(PlaintextListenerConfig, AWildcardHostNeedsTheHostToldToItsClients) {
    auto f = tls_flags();
    f.plaintext = {{"plaintext-listen", "0.0.0.0:19093"}};
    std::vector<std::string> problems;
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "plaintext-advertised-host: clients cannot connect to \"0.0.0.0\""));
    f.plaintext["plaintext-advertised-host"] = "kgate.internal";
    problems.clear();
    load_config(f, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(PlaintextListenerConfig, TheHostToldNeedsTheListener) {
    auto f = tls_flags();
    f.plaintext = {{"plaintext-advertised-host", "kgate.internal"}};
    std::vector<std::string> problems;
    load_config(f, problems);
    EXPECT_TRUE(mentions(problems, "plaintext-advertised-host: given without plaintext-listen"));
}

TEST(PlaintextListenerConfig, ARouteToAPlaintextListenerIsARouteToTheGatewayItself) {
    auto f = tls_flags();
    f.plaintext = {{"plaintext-listen", "127.0.0.1:19093"}};  // shift 10000
    std::vector<std::string> problems;
    const auto c = load_config(f, problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(own_listener(c, {}, {"127.0.0.1", 19093}), "the gateway's plaintext bootstrap listener 127.0.0.1:19093");
    EXPECT_EQ(own_listener(c, {}, {"localhost", 19105}), "the gateway's own plaintext broker port 19105");
    EXPECT_FALSE(own_listener(c, {}, {"127.0.0.1", 19200}));  // past the shifted range
    EXPECT_FALSE(own_listener(c, {}, {"10.9.9.9", 19105}));   // another machine
}

}  // namespace
}  // namespace kgate::gateway

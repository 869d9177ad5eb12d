#include "gateway/config/gateway_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gateway/config/config_loader.h"

namespace kgate::gateway {
namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems) {
        if (p.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path.string();
}

TEST(HostPort, ParsesHostsAndBracketedIpv6) {
    std::string error;
    EXPECT_EQ(parse_host_port("broker-1:9092", error), (HostPort{"broker-1", 9092}));
    EXPECT_EQ(parse_host_port("[::1]:9093", error), (HostPort{"::1", 9093}));
    EXPECT_FALSE(parse_host_port("broker-1", error));
    EXPECT_NE(error.find("host:port"), std::string::npos);
    EXPECT_FALSE(parse_host_port("broker:0", error));
    EXPECT_FALSE(parse_host_port("broker:70000", error));
    EXPECT_FALSE(parse_host_port("::1:9092", error));
    EXPECT_NE(error.find("[address]:port"), std::string::npos);
}

TEST(Validate, NamesEveryProblemAtOnce) {
    GatewayConfig c;
    c.listen = {"0.0.0.0", 9092};
    c.broker_port_first = 9000;
    c.broker_port_last = 9100;
    c.workers = 0;
    c.log_level = "loud";
    const auto problems = validate(c);
    EXPECT_TRUE(mentions(problems, "upstream: at least one bootstrap server"));
    EXPECT_TRUE(mentions(problems, "advertised-host: clients cannot connect to \"0.0.0.0\""));
    EXPECT_TRUE(mentions(problems, "broker-ports: 9000-9100 contains the bootstrap port 9092"));
    EXPECT_TRUE(mentions(problems, "workers: 0"));
    EXPECT_TRUE(mentions(problems, "log-level: \"loud\""));
    EXPECT_EQ(problems.size(), 5u);
}

TEST(Validate, DefaultBrokerPortsFollowTheBootstrapPort) {
    GatewayConfig c;
    c.upstream = {{"k", 9092}};
    c.listen = {"127.0.0.1", 19092};
    EXPECT_EQ(c.first_broker_port(), 19093);
    EXPECT_EQ(c.last_broker_port(), 19192);
    EXPECT_TRUE(validate(c).empty());
}

TEST(LoadConfig, FlagsWinOverTheFile) {
    const auto file = write_temp("kgate-config-test.yaml",
                                 "upstream: [\"k1:9092\", \"k2:9092\"]\n"
                                 "listen: 127.0.0.1:19092\n"
                                 "advertised-host: gateway.example\n"
                                 "workers: 2\n"
                                 "overrides:\n  - node-id: 1\n    upstream: 10.1.1.1:9092\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.workers = 4;
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.upstream.size(), 2u);
    EXPECT_EQ(c.workers, 4);
    EXPECT_EQ(c.client_host(), "gateway.example");
    ASSERT_EQ(c.overrides.size(), 1u);
    EXPECT_EQ(c.overrides[0].address, (HostPort{"10.1.1.1", 9092}));
}

TEST(LoadConfig, FileProblemsNameTheFileAndKey) {
    const auto file = write_temp("kgate-config-bad.yaml",
                                 "upstream: k1\n"
                                 "workers: many\n"
                                 "colour: blue\n"
                                 "broker-ports: 9200-9100\n");
    ConfigFlags flags;
    flags.config_file = file;
    std::vector<std::string> problems;
    (void)load_config(flags, problems);
    EXPECT_TRUE(mentions(problems, file + ": upstream: \"k1\" is not host:port"));
    EXPECT_TRUE(mentions(problems, file + ": workers: \"many\" is not a valid value"));
    EXPECT_TRUE(mentions(problems, file + ": unknown setting \"colour\""));
    EXPECT_TRUE(mentions(problems, "backwards"));
}

TEST(LoadConfig, BrokerKindDefaultsToKafkaAndTakesKop) {
    ConfigFlags flags;
    flags.upstream = "k1:9092";
    std::vector<std::string> problems;
    auto c = load_config(flags, problems);
    EXPECT_EQ(c.broker_kind, BrokerKind::kafka);
    EXPECT_EQ(c.kop_topic_prefix, "public/default/");

    const auto file = write_temp("kgate-config-kop.yaml",
                                 "upstream: k1:9092\n"
                                 "broker-kind: kop\n"
                                 "kop-topic-prefix: acme/kafka/\n");
    flags.config_file = file;
    c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.broker_kind, BrokerKind::kop);
    EXPECT_EQ(c.kop_topic_prefix, "acme/kafka/");

    flags.broker_kind = "pulsar";
    flags.kop_topic_prefix = "acme";
    (void)load_config(flags, problems);
    EXPECT_TRUE(mentions(problems, "--broker-kind: \"pulsar\" is neither kafka nor kop"));
    EXPECT_TRUE(mentions(problems, "kop-topic-prefix: \"acme\" must end with '/'"));
}

TEST(LoadConfig, UnreadableFileIsAProblem) {
    ConfigFlags flags;
    flags.config_file = "/nonexistent/kgate.yaml";
    flags.upstream = "k:9092";
    std::vector<std::string> problems;
    (void)load_config(flags, problems);
    EXPECT_TRUE(mentions(problems, "/nonexistent/kgate.yaml"));
}

}  // namespace
}  // namespace kgate::gateway

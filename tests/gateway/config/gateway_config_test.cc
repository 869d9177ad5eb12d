#include "gateway/config/gateway_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gateway/config/mentions.h"
#include "gateway/config/config_loader.h"
#include "gateway/config/loopback_gateway.h"

// GCC 12 at -O2 reports the first assignment to one of ConfigFlags' optional strings as a read of
// uninitialised memory once the struct is this large (a false positive: the optional is empty).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace kgate::gateway {
namespace {

// Each of `expected` is named by one of `problems`, and there are no others.
void expect_problems(const std::vector<std::string>& problems, std::initializer_list<std::string> expected) {
    for (const auto& e : expected) EXPECT_TRUE(mentions(problems, e)) << "no problem says: " << e;
    EXPECT_EQ(problems.size(), expected.size());
}

std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path) << text;
    return path.string();
}

// The problems load_config finds in the file at `path`, with no flags.
std::vector<std::string> problems_in_file(const std::string& path) {
    ConfigFlags flags;
    flags.config_file = path;
    std::vector<std::string> problems;
    (void)load_config(flags, problems);
    return problems;
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
    expect_problems(problems, {"upstream: at least one bootstrap server",
                               "advertised-host: clients cannot connect to \"0.0.0.0\"",
                               "broker-ports: 9000-9100 contains the bootstrap port 9092",
                               "workers: 0",
                               "log-level: \"loud\""});
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
    const auto problems = problems_in_file(file);
    EXPECT_TRUE(mentions(problems, file + ": upstream: \"k1\" is not host:port"));
    EXPECT_TRUE(mentions(problems, file + ": workers: \"many\" is not a valid value"));
    EXPECT_TRUE(mentions(problems, file + ": unknown setting \"colour\""));
    EXPECT_TRUE(mentions(problems, "backwards"));
}

TEST(LoadConfig, MemoryBudgetsAndThePreAuthCapHaveDefaultsAndComeFromFileAndFlags) {
    const GatewayConfig defaults;
    EXPECT_EQ(defaults.request_memory_budget, 128u * 1024 * 1024);
    EXPECT_EQ(defaults.response_memory_budget, 128u * 1024 * 1024);
    EXPECT_EQ(defaults.pre_auth_max_frame_size, 512u * 1024);
    const auto file = write_temp("kgate-config-budget.yaml",
                                 "upstream: k1:9092\n"
                                 "request-memory-budget: 33554432\n"
                                 "response-memory-budget: 0\n"
                                 "pre-auth-max-frame-size: 0\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.request_memory_budget = 64u * 1024 * 1024;  // the flag wins
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.request_memory_budget, 64u * 1024 * 1024);
    EXPECT_EQ(c.response_memory_budget, 0u);  // off
    EXPECT_EQ(c.pre_auth_max_frame_size, 0u);
}

TEST(LoadConfig, MemoryBudgetProblemsAreNamed) {
    const auto file = write_temp("kgate-config-budget-bad.yaml",
                                 "upstream: k1:9092\n"
                                 "request-memory-budget: 1000\n"
                                 "response-memory-budget: -5\n"
                                 "pre-auth-max-frame-size: 100\n");
    expect_problems(problems_in_file(file), {"request-memory-budget: 1000 is neither 0 (off) nor between 1 MiB and 1 TiB",
                                             file + ": response-memory-budget: \"-5\" is not a valid value",
                                             "pre-auth-max-frame-size: 100 is neither 0 (off) nor at least 1 KiB"});
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

TEST(LoadConfig, UpstreamSaslFromTheFileWithThePasswordReadFromItsOwnFile) {
    const auto secret = write_temp("kgate-upstream-password", "token:eyJhbGciOiJIUzI1NiJ9.e30.sig\n");
    const auto file = write_temp("kgate-config-sasl.yaml",
                                 "upstream: k1:9092\n"
                                 "upstream-sasl:\n"
                                 "  mechanism: PLAIN\n"
                                 "  username: public/default\n"
                                 "  password-file: " + secret + "\n");
    ConfigFlags flags;
    flags.config_file = file;
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_TRUE(c.upstream_sasl.enabled());
    EXPECT_EQ(c.upstream_sasl.username, "public/default");
    EXPECT_EQ(c.upstream_sasl.password, "token:eyJhbGciOiJIUzI1NiJ9.e30.sig");  // without the line break

    flags.upstream_sasl_username = "tenant/ns";  // flags win, as everywhere
    problems.clear();
    EXPECT_EQ(load_config(flags, problems).upstream_sasl.username, "tenant/ns");
}

TEST(LoadConfig, UpstreamSaslProblemsAreNamed) {
    ConfigFlags flags;
    flags.upstream = "k:9092";
    flags.upstream_sasl_mechanism = "GSSAPI";
    flags.upstream_sasl_password_file = "/nonexistent/password";
    std::vector<std::string> problems;
    (void)load_config(flags, problems);
    EXPECT_TRUE(mentions(problems, "upstream-sasl.mechanism: \"GSSAPI\" is not supported")) << problems.size();
    EXPECT_TRUE(mentions(problems, "upstream-sasl.username: required"));
    EXPECT_TRUE(mentions(problems, "upstream-sasl.password-file: \"/nonexistent/password\" cannot be read"));

    ConfigFlags half;
    half.upstream = "k:9092";
    half.upstream_sasl_username = "public/default";
    problems.clear();
    (void)load_config(half, problems);
    EXPECT_TRUE(mentions(problems, "without a mechanism"));

    const auto empty = write_temp("kgate-upstream-empty-password", "\n");
    ConfigFlags blank;
    blank.upstream = "k:9092";
    blank.upstream_sasl_mechanism = "PLAIN";
    blank.upstream_sasl_username = "u";
    blank.upstream_sasl_password_file = empty;
    problems.clear();
    (void)load_config(blank, problems);
    EXPECT_TRUE(mentions(problems, "holds no password"));

    const auto file = write_temp("kgate-config-sasl-bad.yaml", "upstream: k1:9092\nupstream-sasl:\n  mechanism: PLAIN\n  user: x\n");
    ConfigFlags bad;
    bad.config_file = file;
    problems.clear();
    (void)load_config(bad, problems);
    EXPECT_TRUE(mentions(problems, "unknown setting \"user\""));
}

// The Envoy-per-broker recipe as kgate configuration: each node's upstream and gateway port.
TEST(LoadConfig, OverridesPinAListenPort) {
    const auto file = write_temp("kgate-config-static.yaml",
                                 "upstream: [\"10.0.0.1:9092\"]\n"
                                 "listen: 127.0.0.1:19092\n"
                                 "broker-ports: 19093-19094\n"
                                 "overrides:\n"
                                 "  - {node-id: 1880146045, upstream: 10.0.0.1:9092, listen-port: 19093}\n"
                                 "  - {node-id: 770564047, upstream: 10.0.0.2:9092, listen-port: 19094}\n"
                                 "  - {node-id: 3, listen-port: 19095}\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.broker_ports = "19093-19099";  // the flag widens the file's range
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    ASSERT_EQ(c.overrides.size(), 3u);
    EXPECT_EQ(c.overrides[0].address, (HostPort{"10.0.0.1", 9092}));
    EXPECT_EQ(c.overrides[0].listen_port, 19093);
    EXPECT_EQ(c.overrides[1].listen_port, 19094);
    EXPECT_FALSE(c.overrides[2].address);  // a pinned port alone: reached where it advertises
    EXPECT_EQ(c.overrides[2].listen_port, 19095);
    ASSERT_NE(c.override_for(770564047), nullptr);
    EXPECT_EQ(c.override_for(770564047)->address, (HostPort{"10.0.0.2", 9092}));
    EXPECT_EQ(c.override_for(42), nullptr);
}

TEST(LoadConfig, BadOverrideEntriesNameTheSetting) {
    const auto file = write_temp("kgate-config-static-bad.yaml",
                                 "upstream: [\"10.0.0.1:9092\"]\n"
                                 "overrides:\n"
                                 "  - {node-id: 1}\n"
                                 "  - {node-id: 2, upstream: 10.0.0.2:9092, listen_port: 9093}\n"
                                 "  - {node-id: 3, listen-port: 70000}\n"
                                 "  - {node-id: 4, listen-port: next}\n"
                                 "  - {node-id: 5, upstream: nowhere}\n");
    const auto problems = problems_in_file(file);
    expect_problems(problems, {file + ": overrides: each entry needs node-id, and upstream, listen-port, tls or any of them",
                               "overrides: node 2: unknown setting \"listen_port\" (known: node-id, upstream, listen-port, tls)",
                               "overrides: node 3: listen-port 70000 is outside 1-65535",
                               "overrides.listen-port: \"next\" is not a valid value",
                               "overrides: node 5: upstream: \"nowhere\" is not host:port"});
}

TEST(Validate, PinnedListenPortsAreBrokerPortsNoOtherListenerHas) {
    GatewayConfig c = testing::loopback_gateway(19092, 19110, 19100, 19101);
    c.overrides = {{1, HostPort{"b1", 9092}, 19093},  {2, HostPort{"b2", 9092}, 19093}, {3, std::nullopt, 19092},
                   {4, std::nullopt, 19200},          {5, std::nullopt, 19100},          {6, std::nullopt, 19101},
                   {7, std::nullopt, std::nullopt}};
    const auto problems = validate(c);
    expect_problems(problems, {"overrides: node 2's listen-port 19093 is also node 1's: two brokers cannot share a gateway port",
                               "overrides: node 3's listen-port 19092 is the bootstrap port (listen)",
                               "overrides: node 4's listen-port 19200 is outside broker-ports 19093-19110; widen broker-ports",
                               "overrides: node 5's listen-port 19100 is also http-listen's port",
                               "overrides: node 6's listen-port 19101 is also admin-listen's port",
                               "overrides: node 7 needs upstream, listen-port, tls or any of them"});
}

TEST(Validate, APinnedRouteMustNotLeadBackToTheGateway) {
    GatewayConfig c = testing::loopback_gateway(19092, 19094, 19100, 19101);
    // The recipe's mistake: the node's upstream is the address the broker advertises, kgate's own.
    c.overrides = {{1, HostPort{"127.0.0.1", 19094}, 19093}};
    const auto problems = validate(c);
    expect_problems(problems, {"overrides: node 1's upstream 127.0.0.1:19094 is the gateway's own broker port 19094: kgate would connect to itself"});
}

TEST(LoadConfig, LimitsAndTimeoutsHaveTheirDefaults) {
    ConfigFlags flags;
    flags.upstream = "k1:9092";
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(c.max_connections, 10000u);
    EXPECT_EQ(c.max_connections_per_address, 2000u);
    EXPECT_EQ(c.idle_timeout, std::chrono::minutes(10));  // Kafka's connections.max.idle.ms
    EXPECT_EQ(c.frame_grace, std::chrono::seconds(30));
    EXPECT_EQ(c.frame_min_rate, 1024u);
    EXPECT_EQ(c.upstream_request_timeout, std::chrono::seconds(30));  // the clients' request.timeout.ms
    EXPECT_EQ(c.upstream_timeout_margin, std::chrono::seconds(30));
}

TEST(LoadConfig, LimitsAndTimeoutsFromTheFileAndFlagsWin) {
    const auto file = write_temp("kgate-config-limits.yaml",
                                 "upstream: k1:9092\n"
                                 "max-connections: 500\n"
                                 "max-connections-per-address: 0\n"
                                 "connections-max-idle-ms: 0\n"
                                 "frame-grace-ms: 5000\n"
                                 "frame-min-bytes-per-second: 0\n"
                                 "upstream-request-timeout-ms: 0\n"
                                 "upstream-timeout-margin-ms: 1000\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.limits["max-connections"] = 800;
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(c.max_connections, 800u);
    EXPECT_EQ(c.max_connections_per_address, 0u);
    EXPECT_EQ(c.idle_timeout.count(), 0);
    EXPECT_EQ(c.frame_grace.count(), 5000);
    EXPECT_EQ(c.frame_min_rate, 0u);
    EXPECT_EQ(c.upstream_request_timeout.count(), 0);
    EXPECT_EQ(c.upstream_timeout_margin.count(), 1000);
}

TEST(LoadConfig, LimitsAndTimeoutsRefuseNegativeZeroAndTooShortValues) {
    const auto file = write_temp("kgate-config-limits-bad.yaml",
                                 "upstream: k1:9092\n"
                                 "max-connections: -1\n"
                                 "connections-max-idle-ms: 50\n"
                                 "frame-grace-ms: 0\n"
                                 "frame-min-bytes-per-second: lots\n"
                                 "upstream-timeout-margin-ms: 0\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.limits["upstream-request-timeout-ms"] = -30000;
    std::vector<std::string> problems;
    (void)load_config(flags, problems);
    expect_problems(problems, {file + ": max-connections: -1 must not be negative",
                               "connections-max-idle-ms: 50 is under 100 ms",
                               "frame-grace-ms: must be positive",
                               file + ": frame-min-bytes-per-second: \"lots\" is not a valid value",
                               "upstream-timeout-margin-ms: must be positive",
                               "--upstream-request-timeout-ms: -30000 must not be negative"});
}

TEST(Validate, PerAddressLimitAboveTheTotalIsNamed) {
    GatewayConfig c;
    c.upstream = {{"k", 9092}};
    c.max_connections = 100;
    c.max_connections_per_address = 200;
    expect_problems(validate(c), {"max-connections-per-address: 200 is above max-connections 100"});
    c.max_connections = 0;  // no total limit: any per-address limit fits
    EXPECT_TRUE(validate(c).empty());
}

TEST(LoadConfig, TlsIsOffByDefault) {
    ConfigFlags flags;
    flags.upstream = "k1:9092";
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty());
    EXPECT_FALSE(c.tls.enabled());
    EXPECT_EQ(c.tls.client_auth, ClientAuth::none);
    EXPECT_EQ(c.tls.handshake_timeout, std::chrono::seconds(10));
}

TEST(LoadConfig, TlsFromTheFileAndFlagsWin) {
    const auto file = write_temp("kgate-config-tls.yaml",
                                 "upstream: k1:9092\n"
                                 "tls-certificate: /etc/kgate/chain.pem\n"
                                 "tls-key: /etc/kgate/key.pem\n"
                                 "tls-client-auth: optional\n"
                                 "tls-client-ca: /etc/kgate/clients-ca.pem\n"
                                 "tls-handshake-timeout-ms: 3000\n");
    ConfigFlags flags;
    flags.config_file = file;
    flags.tls_client_auth = "required";
    flags.tls_key = "/etc/kgate/other-key.pem";
    std::vector<std::string> problems;
    const auto c = load_config(flags, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_TRUE(c.tls.enabled());
    EXPECT_EQ(c.tls.certificate_file, "/etc/kgate/chain.pem");
    EXPECT_EQ(c.tls.key_file, "/etc/kgate/other-key.pem");
    EXPECT_EQ(c.tls.client_auth, ClientAuth::required);
    EXPECT_EQ(c.tls.client_ca_file, "/etc/kgate/clients-ca.pem");
    EXPECT_EQ(c.tls.handshake_timeout.count(), 3000);
}

TEST(LoadConfig, TlsSettingsThatDoNotGoTogetherAreNamed) {
    const auto file = write_temp("kgate-config-tls-bad.yaml",
                                 "upstream: k1:9092\n"
                                 "tls-certificate: /etc/kgate/chain.pem\n"
                                 "tls-client-auth: sometimes\n"
                                 "tls-handshake-timeout-ms: 0\n");
    expect_problems(problems_in_file(file), {file + ": tls-client-auth: \"sometimes\" is not one of none, optional, required",
                                             "tls-key: required with tls-certificate",
                                             "tls-handshake-timeout-ms: must be positive"});

    GatewayConfig c;
    c.upstream = {{"k", 9092}};
    c.tls.certificate_file = "chain.pem";
    c.tls.key_file = "key.pem";
    c.tls.client_auth = ClientAuth::required;
    expect_problems(validate(c), {"tls-client-ca: required with tls-client-auth required"});
    c.tls.client_auth = ClientAuth::none;
    c.tls.client_ca_file = "ca.pem";
    expect_problems(validate(c), {"tls-client-ca: given with tls-client-auth none"});
    c.tls.certificate_file.clear();
    expect_problems(validate(c), {"given without tls-certificate"});
}

}  // namespace
}  // namespace kgate::gateway

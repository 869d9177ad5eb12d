#include "gateway/tls/sni_names.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();

SniNames good(std::string_view bootstrap = "kafka.example.com", std::string_view pattern = "broker-{node}.kafka.example.com") {
    auto parsed = SniNames::parse(bootstrap, pattern);
    if (!parsed.ok()) {
        for (const auto& problem : parsed.error()) ADD_FAILURE() << problem;
    }
    return std::move(parsed).value();
}

std::vector<std::string> problems(std::string_view bootstrap, std::string_view pattern) {
    auto parsed = SniNames::parse(bootstrap, pattern);
    EXPECT_FALSE(parsed.ok()) << bootstrap << " / " << pattern;
    return parsed.ok() ? std::vector<std::string>{} : parsed.error();
}

std::string only_problem(std::string_view bootstrap, std::string_view pattern) {
    const auto found = problems(bootstrap, pattern);
    EXPECT_EQ(found.size(), 1u) << pattern;
    return found.empty() ? std::string() : found.front();
}

TEST(SniNames, NamesForNodeIds) {
    const auto names = good();
    EXPECT_EQ(names.bootstrap_name(), "kafka.example.com");
    EXPECT_EQ(names.name_for(0), "broker-0.kafka.example.com");
    EXPECT_EQ(names.name_for(7), "broker-7.kafka.example.com");
    EXPECT_EQ(names.name_for(1880146045), "broker-1880146045.kafka.example.com");  // a KoP node id
    EXPECT_EQ(names.name_for(kMax), "broker-2147483647.kafka.example.com");
    // No Kafka or KoP broker has a negative id (-1 is "no node").
    EXPECT_EQ(names.name_for(-1), std::nullopt);
    EXPECT_EQ(names.name_for(std::numeric_limits<std::int32_t>::min()), std::nullopt);
}

TEST(SniNames, MatchesBootstrapAndBrokers) {
    const auto names = good();
    EXPECT_EQ(names.match("kafka.example.com"), SniTarget::bootstrap());
    EXPECT_EQ(names.match("KAFKA.Example.COM"), SniTarget::bootstrap());
    EXPECT_EQ(names.match("kafka.example.com."), SniTarget::bootstrap());
    EXPECT_EQ(names.match("broker-0.kafka.example.com"), SniTarget::broker(0));
    EXPECT_EQ(names.match("broker-42.kafka.example.com"), SniTarget::broker(42));
    EXPECT_EQ(names.match("Broker-42.KAFKA.example.com."), SniTarget::broker(42));
    EXPECT_EQ(names.match("broker-2147483647.kafka.example.com"), SniTarget::broker(kMax));
    EXPECT_EQ(names.match("broker-1354270393.kafka.example.com"), SniTarget::broker(1354270393));
}

TEST(SniNames, EveryNameMapsBackToItsNode) {
    const auto names = good();
    // Small ids, every power-of-ten boundary, and a spread of large (KoP-like) ones.
    std::vector<std::int32_t> ids;
    for (std::int32_t id = 0; id <= 1000; ++id) ids.push_back(id);
    for (std::int64_t p = 10; p <= kMax; p *= 10) {
        ids.push_back(static_cast<std::int32_t>(p - 1));
        ids.push_back(static_cast<std::int32_t>(p));
    }
    std::uint32_t x = 12345;
    for (int i = 0; i < 5000; ++i) {
        x = x * 1664525u + 1013904223u;  // a fixed sequence: the same ids every run
        ids.push_back(static_cast<std::int32_t>(x & 0x7fffffffu));
    }
    ids.push_back(kMax);
    for (const std::int32_t id : ids) {
        const auto name = names.name_for(id);
        ASSERT_TRUE(name.has_value()) << id;
        ASSERT_EQ(names.match(*name), SniTarget::broker(id)) << *name;
        ASSERT_EQ(names.match(*name + "."), SniTarget::broker(id)) << *name;
    }
}

TEST(SniNames, NamesThatAreNoNodesAreUnknown) {
    const auto names = good();
    for (const char* host : {
             "broker-.kafka.example.com",             // no id
             "broker-01.kafka.example.com",           // leading zero: 1 has one name only
             "broker-00.kafka.example.com",
             "broker-+1.kafka.example.com",           // sign
             "broker--1.kafka.example.com",           // negative
             "broker-2147483648.kafka.example.com",   // past INT32_MAX
             "broker-99999999999.kafka.example.com",  // 11 digits
             "broker-4294967297.kafka.example.com",   // would wrap to 1 in 32 bits
             "broker-1x.kafka.example.com",
             "broker-0x1.kafka.example.com",
             "broker- 1.kafka.example.com",
             "broker-1.kafka.example.co",
             "broker-1.kafka.example.com.evil",
             "broker-1.kafka.example.com..",
             "xbroker-1.kafka.example.com",
             "broker-1.kafka.example.comx",
             "kafka.example.com.evil",
             "example.com",
             "",
             ".",
             "broker-\xef\xbc\x91.kafka.example.com",  // a full-width digit one
         }) {
        EXPECT_EQ(names.match(host), SniTarget{}) << host;
    }
    EXPECT_EQ(names.match(std::string_view("broker-1\0.kafka.example.com", 27)), SniTarget{});
}

TEST(SniNames, PatternKeepsItsLetterCase) {
    const auto names = good("Kafka.Example.com", "Broker-{node}.Example.com");
    EXPECT_EQ(names.name_for(3), "Broker-3.Example.com");
    EXPECT_EQ(names.match("broker-3.example.com"), SniTarget::broker(3));
    EXPECT_EQ(names.match("kafka.example.com"), SniTarget::bootstrap());
}

TEST(SniNames, PlaceholderAnywhereInTheName) {
    const auto first_label = good("bootstrap.brokers.example.com", "{node}.brokers.example.com");
    EXPECT_EQ(first_label.name_for(12), "12.brokers.example.com");
    EXPECT_EQ(first_label.match("12.brokers.example.com"), SniTarget::broker(12));
    EXPECT_EQ(first_label.match("bootstrap.brokers.example.com"), SniTarget::bootstrap());
    // Digits beside the placeholder still give one name per node: the prefix is fixed.
    const auto digits = good("kafka.example.com", "b1{node}.example.com");
    EXPECT_EQ(digits.name_for(23), "b123.example.com");
    EXPECT_EQ(digits.match("b123.example.com"), SniTarget::broker(23));
    EXPECT_EQ(digits.match("b1023.example.com"), SniTarget{});
    const auto own_label = good("kafka.example.com", "kafka.example.com-{node}.brokers.example.com");
    EXPECT_EQ(own_label.match("kafka.example.com-5.brokers.example.com"), SniTarget::broker(5));
}

TEST(SniNames, LabelAndNameLengthsHoldForTheLargestNodeId) {
    // 53 characters + 10 digits = 63: the longest label allowed.
    const std::string prefix53(53, 'b');
    EXPECT_EQ(good("kafka.example.com", prefix53 + "{node}.example.com").name_for(kMax), prefix53 + "2147483647.example.com");
    const std::string long_label = only_problem("kafka.example.com", std::string(54, 'b') + "{node}.example.com");
    EXPECT_EQ(long_label, "sni-broker-pattern: \"" + std::string(54, 'b') + "{node}.example.com\" gives \"" + std::string(54, 'b') +
                              "2147483647.example.com\" for node 2147483647, which has the label \"" + std::string(54, 'b') +
                              "2147483647\" of 64 characters, more than a DNS label may have (63)");
    // 253 characters in all for node 2147483647: allowed; 254: refused.
    const std::string filler = std::string(60, 'a') + "." + std::string(60, 'a') + "." + std::string(60, 'a') + ".";  // 183
    const std::string fits = filler + std::string(54, 'c') + ".{node}.com";  // 183 + 55 + 6 + 4 = 248 -> 252 with 10 digits
    EXPECT_EQ(good("kafka.example.com", "x" + fits).name_for(kMax)->size(), 253u);
    const std::string too_long = only_problem("kafka.example.com", "xy" + fits);
    EXPECT_NE(too_long.find("for node 2147483647, which is 254 characters long, more than a DNS name may have (253)"), std::string::npos) << too_long;
}

TEST(SniNames, BadPatternsNameTheSetting) {
    struct Case {
        const char* pattern;
        const char* says;
    };
    for (const Case& c : {
             Case{"kafka.example.com", "must hold {node} exactly once"},
             Case{"", "must hold {node} exactly once"},
             Case{"broker-{node}-{node}.example.com", "must hold {node} exactly once"},
             Case{"broker-{NODE}.example.com", "must hold {node} exactly once"},
             Case{"broker-{node.example.com", "must hold {node} exactly once"},
             Case{"broker-{node}}.example.com", "may hold no braces but those of {node}"},
             Case{"{broker}-{node}.example.com", "may hold no braces but those of {node}"},
             Case{"broker_{node}.example.com", "contains '_', which Java clients refuse"},
             Case{"*.{node}.example.com", "contains '*'"},
             Case{"broker {node}.example.com", "contains ' '"},
             Case{"broker-{node}.example.com:9093", "contains ':'"},
             Case{"broker-{node}.example.com.", "ends with '.'"},
             Case{"broker-{node}..example.com", "has an empty label"},
             Case{".broker-{node}.example.com", "has an empty label"},
             Case{"-{node}.example.com", "starts or ends with '-'"},
             Case{"{node}-.example.com", "starts or ends with '-'"},
             Case{"kafka.example.{node}", "ends in an all-digit label"},
             Case{"10.0.0.{node}", "ends in an all-digit label"},
             Case{"{node}", "ends in an all-digit label"},
         }) {
        const std::string problem = only_problem("kafka.example.com", c.pattern);
        EXPECT_EQ(problem.rfind("sni-broker-pattern: \"", 0), 0u) << problem;
        EXPECT_NE(problem.find(c.says), std::string::npos) << c.pattern << ": " << problem;
    }
}

TEST(SniNames, BadBootstrapNamesNameTheSetting) {
    for (const char* name : {"", "kafka_1.example.com", "127.0.0.1", "::1", "kafka.example.com.", "*.example.com", "-kafka.example.com",
                             "kafka..example.com"}) {
        const std::string problem = only_problem(name, "broker-{node}.example.com");
        EXPECT_EQ(problem.rfind("sni-bootstrap-name: \"", 0), 0u) << problem;
    }
    EXPECT_NE(only_problem(std::string(254, 'a'), "broker-{node}.example.com").find("254 characters long"), std::string::npos);
    EXPECT_NE(only_problem(std::string(64, 'a') + ".com", "broker-{node}.example.com").find("of 64 characters"), std::string::npos);
}

TEST(SniNames, BothSettingsBadGiveTwoProblems) {
    const auto found = problems("kafka_x", "broker");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].rfind("sni-bootstrap-name: ", 0), 0u) << found[0];
    EXPECT_EQ(found[1].rfind("sni-broker-pattern: ", 0), 0u) << found[1];
}

TEST(SniNames, BootstrapMustNotBeABrokersName) {
    EXPECT_EQ(only_problem("broker-7.kafka.example.com", "broker-{node}.kafka.example.com"),
              "sni-bootstrap-name: \"broker-7.kafka.example.com\" is node 7's name under sni-broker-pattern "
              "\"broker-{node}.kafka.example.com\": give bootstrap a name of its own");
    EXPECT_FALSE(SniNames::parse("BROKER-2147483647.kafka.example.com", "broker-{node}.kafka.example.com").ok());
    // A name that is no node's (leading zero) may be the bootstrap name: still one meaning per name.
    const auto names = good("broker-07.kafka.example.com", "broker-{node}.kafka.example.com");
    EXPECT_EQ(names.match("broker-07.kafka.example.com"), SniTarget::bootstrap());
    EXPECT_EQ(names.match("broker-7.kafka.example.com"), SniTarget::broker(7));
}

TEST(SniNames, ServerNameRules) {
    EXPECT_EQ(server_name_problem("kafka.example.com"), std::nullopt);
    EXPECT_EQ(server_name_problem("localhost"), std::nullopt);
    EXPECT_EQ(server_name_problem("123.example.com"), std::nullopt);  // all-digit labels are fine below the top
    EXPECT_EQ(server_name_problem("xn--bcher-kva.example"), std::nullopt);
    EXPECT_EQ(server_name_problem(std::string(63, 'a') + ".com"), std::nullopt);
    EXPECT_NE(server_name_problem("bücher.example"), std::nullopt);  // IDNs go as their xn-- form
    EXPECT_NE(server_name_problem("192.168.1.1"), std::nullopt);
}

}  // namespace
}  // namespace kgate::gateway

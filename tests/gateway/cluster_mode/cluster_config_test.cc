#include "gateway/cluster_mode/cluster_config.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

TEST(ClusterConfig, ParsedAndTurnedOff) {
    GatewayConfig c;
    std::vector<std::string> problems;
    apply_cluster_listen(c, "0.0.0.0:9093", "--cluster-listen", problems);
    ASSERT_TRUE(problems.empty());
    ASSERT_TRUE(c.cluster_listen);
    EXPECT_EQ(c.cluster_listen->port, 9093);
    apply_cluster_listen(c, "off", "--cluster-listen", problems);
    EXPECT_FALSE(c.cluster_listen);
    apply_cluster_listen(c, "nonsense", "kgate.yaml: cluster-listen", problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("kgate.yaml: cluster-listen"), std::string::npos) << problems[0];
}

TEST(ClusterConfig, PortOfAnotherListenerIsNamed) {
    GatewayConfig c;
    c.listen = {"127.0.0.1", 9092};
    std::vector<std::string> problems;
    apply_cluster_listen(c, "127.0.0.1:9092", "--cluster-listen", problems);
    validate_cluster_listen(c, problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("bootstrap port"), std::string::npos) << problems[0];
    problems.clear();
    apply_cluster_listen(c, "127.0.0.1:9093", "--cluster-listen", problems);  // the first broker port
    validate_cluster_listen(c, problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("broker-ports"), std::string::npos) << problems[0];
    problems.clear();
    apply_cluster_listen(c, "127.0.0.1:29092", "--cluster-listen", problems);
    validate_cluster_listen(c, problems);
    EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace kgate::gateway

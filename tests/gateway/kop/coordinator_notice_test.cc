// A broker that drops InitProducerId is named once, and counted every time.
#include "gateway/kop/coordinator_notice.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace kgate::gateway {
namespace {

std::string text_of(const GatewayMetrics& m) { return prometheus::TextSerializer().Serialize(m.registry().Collect()); }

TEST(KopCoordinatorNotice, LogsOncePerBrokerAndCountsEveryDrop) {
    GatewayMetrics metrics;
    CoordinatorNotice notice;
    EXPECT_NE(text_of(metrics).find("kgate_kop_quirks_total{quirk=\"init_producer_id_dropped\"} 0\n"), std::string::npos);
    EXPECT_TRUE(notice.init_producer_id_dropped(metrics, "kop-1.internal:9092", 1880146045));
    EXPECT_FALSE(notice.init_producer_id_dropped(metrics, "kop-1.internal:9092", 1880146045));
    EXPECT_TRUE(notice.init_producer_id_dropped(metrics, "kop-2.internal:9092", 770564047));
    EXPECT_FALSE(notice.init_producer_id_dropped(metrics, "kop-2.internal:9092", 770564047));
    EXPECT_NE(text_of(metrics).find("kgate_kop_quirks_total{quirk=\"init_producer_id_dropped\"} 4\n"), std::string::npos)
        << text_of(metrics);
}

}  // namespace
}  // namespace kgate::gateway

#include "gateway/timeouts/request_timeout.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

// A request of type T with `field` set to `value`.
template <class T, class Field>
msg::AnyRequest with(Field T::*field, std::int32_t value) {
    T request;
    request.*field = value;
    return request;
}

TEST(RequestTimeout, ReadsTheFieldEachRequestCarries) {
    EXPECT_EQ(own_timeout_ms(with(&msg::ProduceRequest::timeout_ms, 4000)), 4000);
    EXPECT_EQ(own_timeout_ms(with(&msg::FetchRequest::max_wait_ms, 500)), 500);
    EXPECT_EQ(own_timeout_ms(with(&msg::ShareFetchRequest::max_wait_ms, 250)), 250);
    EXPECT_EQ(own_timeout_ms(with(&msg::CreateTopicsRequest::timeout_ms, 60000)), 60000);
    EXPECT_EQ(own_timeout_ms(with(&msg::DeleteRecordsRequest::timeout_ms, 1234)), 1234);
    EXPECT_EQ(own_timeout_ms(with(&msg::ProduceRequest::timeout_ms, -5)), 0);  // never negative
}

TEST(RequestTimeout, JoinGroupWaitsForItsRebalanceTimeoutOrAtV0ItsSessionTimeout) {
    msg::JoinGroupRequest join;
    join.session_timeout_ms = 45000;
    join.rebalance_timeout_ms = 300000;
    EXPECT_EQ(own_timeout_ms(join), 300000);
    join.rebalance_timeout_ms = -1;  // v0 has no rebalance timeout: decoding leaves the default
    EXPECT_EQ(own_timeout_ms(join), 45000);
}

TEST(RequestTimeout, NoneForRequestsWithoutOne) {
    EXPECT_EQ(own_timeout_ms(msg::MetadataRequest{}), -1);
    EXPECT_EQ(own_timeout_ms(msg::OffsetCommitRequest{}), -1);
    EXPECT_EQ(own_timeout_ms(msg::HeartbeatRequest{}), -1);
}

}  // namespace
}  // namespace kgate::gateway

// One test per generated message and version: filled with non-default values (and once with
// nulls and empty arrays), encoded, decoded, compared, and re-encoded byte for byte.
#include <atomic>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support/message_registry.h"

namespace kgate::protocol::test_support {
namespace {

struct Case {
    const MessageEntry* entry;
    std::int16_t version;
};

std::vector<Case> all_cases() {
    std::vector<Case> out;
    for (const auto& e : all_message_entries()) {
        for (int v = e.lowest_version; v <= e.highest_version; ++v) out.push_back({&e, static_cast<std::int16_t>(v)});
    }
    return out;
}

std::atomic<int> g_passed{0};

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, EncodeDecodeReencode) {
    const Case c = GetParam();
    const std::string values = c.entry->round_trip(c.version, TestFiller::Mode::values);
    EXPECT_EQ(values, "") << c.entry->name << " v" << c.version << " filled with values";
    const std::string nulls = c.entry->round_trip(c.version, TestFiller::Mode::nulls_and_empty);
    EXPECT_EQ(nulls, "") << c.entry->name << " v" << c.version << " with nulls and empty arrays";
    if (values.empty() && nulls.empty()) ++g_passed;
}

INSTANTIATE_TEST_SUITE_P(AllMessages, RoundTrip, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& p) {
                             return fmt::format("{}_v{}", p.param.entry->name, p.param.version);
                         });

TEST(RoundTripCoverage, EveryApiKeyHasRequestAndResponse) {
    // The codec must cover every API of the pinned release, both directions.
    int requests = 0;
    int responses = 0;
    for (const auto& e : all_message_entries()) {
        if (e.kind == MessageKind::request) ++requests;
        if (e.kind == MessageKind::response) ++responses;
    }
    EXPECT_GT(requests, 80);
    EXPECT_EQ(requests, responses);
}

class Summary : public ::testing::Environment {
public:
    void TearDown() override {
        fmt::print("round-trip: {} of {} (message, version) pairs passed\n", g_passed.load(), all_cases().size());
    }
};

const auto* const g_summary = ::testing::AddGlobalTestEnvironment(new Summary);

}  // namespace
}  // namespace kgate::protocol::test_support

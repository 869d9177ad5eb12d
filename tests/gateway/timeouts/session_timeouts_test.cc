#include "gateway/timeouts/session_timeouts.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

TimeoutSettings settings() {
    TimeoutSettings s;
    s.idle = 10000ms;
    s.frame_grace = 2000ms;
    s.frame_min_rate = 1000;
    s.request_default = 30000ms;
    s.request_margin = 5000ms;
    return s;
}

const SteadyTime t0 = SteadyTime() + std::chrono::hours(1);

TEST(SessionTimeouts, IdleAfterTheIdleTimeWithNothingSentAndNothingInFlight) {
    SessionTimeouts t(settings(), t0);
    SessionActivity quiet;
    EXPECT_FALSE(t.check(quiet, t0 + 9999ms));
    const auto expired = t.check(quiet, t0 + 10000ms);
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->kind, TimeoutKind::idle);
    EXPECT_EQ(describe(*expired, settings()), "idle for 10000 ms with nothing in flight (connections-max-idle-ms)");
}

TEST(SessionTimeouts, BytesFramesAndRequestsInFlightAreActivity) {
    SessionTimeouts t(settings(), t0);
    SessionActivity a;
    a.bytes_from_client = 100;
    EXPECT_FALSE(t.check(a, t0 + 9000ms));  // activity seen now: idle counts from here
    EXPECT_FALSE(t.check(a, t0 + 18000ms));
    EXPECT_TRUE(t.check(a, t0 + 19000ms));

    SessionTimeouts busy(settings(), t0);
    SessionActivity waiting;
    waiting.in_flight = true;  // a local answer not yet written: no broker wait
    EXPECT_FALSE(busy.check(waiting, t0 + 60000ms));
}

TEST(SessionTimeouts, IdleOffNeverCloses) {
    auto s = settings();
    s.idle = 0ms;
    SessionTimeouts t(s, t0);
    EXPECT_FALSE(t.check(SessionActivity{}, t0 + std::chrono::hours(100)));
}

TEST(SessionTimeouts, SlowFrameAllowanceIsTheGracePlusWhatArrivedAtTheFloor) {
    const auto s = settings();
    EXPECT_EQ(SessionTimeouts::frame_allowance(s, 0), 2000ms);
    EXPECT_EQ(SessionTimeouts::frame_allowance(s, 1000), 3000ms);
    EXPECT_EQ(SessionTimeouts::frame_allowance(s, 100 * 1024 * 1024), 2000ms + milliseconds(104857600));
    SessionTimeouts t(s, t0);
    SessionActivity a;
    a.frame.running = true;
    a.frame.since = t0 + 1000ms;
    a.frame.size = 1500;
    a.frame.received = 1500 - 200;
    EXPECT_FALSE(t.check(a, t0 + 4299ms));
    const auto expired = t.check(a, t0 + 4300ms);
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->kind, TimeoutKind::slow_frame);
    EXPECT_EQ(expired->allowed, 3300ms);
    EXPECT_EQ(describe(*expired, s), "a 1500-byte frame arrived slower than frame-min-bytes-per-second 1000: 1300 bytes of it "
                                     "in 3300 ms (frame-grace-ms 2000 aside)");
}

// The gap the announced size used to leave: 100 MB announced, 500 bytes a second. Past the
// grace, the frame must keep up with the floor on what it has sent, whatever it promised.
TEST(SessionTimeouts, ALargeAnnouncedFrameTrickledClosesOnceItFallsBehindTheFloor) {
    const auto s = settings();  // grace 2 s, floor 1000 bytes/s
    SessionTimeouts t(s, t0);
    SessionActivity a;
    a.frame.running = true;
    a.frame.since = t0;
    a.frame.size = 100 * 1000 * 1000;
    std::optional<Expiry> expired;
    auto now = t0;
    for (int ms = 100; ms <= 10000 && !expired; ms += 100) {  // 500 bytes a second arrive
        now = t0 + milliseconds(ms);
        a.frame.received = static_cast<std::size_t>(ms) / 2;
        expired = t.check(a, now);
    }
    ASSERT_TRUE(expired);
    // 500 t >= 1000 (t - 2): falls behind at t = 4 s.
    EXPECT_EQ(now, t0 + 4000ms);
    EXPECT_EQ(expired->frame_size, 100u * 1000 * 1000);
    EXPECT_EQ(expired->frame_received, 2000u);
}

TEST(SessionTimeouts, AFrameAtTwiceTheFloorIsNeverClosedWhateverItsSize) {
    const auto s = settings();
    SessionTimeouts t(s, t0);
    SessionActivity a;
    a.frame.running = true;
    a.frame.since = t0;
    a.frame.size = 100 * 1000 * 1000;
    for (int seconds = 1; seconds <= 3600; ++seconds) {
        a.frame.received = static_cast<std::size_t>(seconds) * 2000;
        ASSERT_FALSE(t.check(a, t0 + std::chrono::seconds(seconds))) << "closed after " << seconds << " s";
    }
}

TEST(SessionTimeouts, TheBrokerGetsTheRequestsOwnTimeoutOrTheDefaultPlusTheMargin) {
    const auto s = settings();
    EXPECT_EQ(SessionTimeouts::broker_allowance(s, -1), 35000ms);
    EXPECT_EQ(SessionTimeouts::broker_allowance(s, 500), 5500ms);     // a Fetch's MaxWaitMs
    EXPECT_EQ(SessionTimeouts::broker_allowance(s, 300000), 305000ms);  // a JoinGroup's rebalance timeout
    SessionTimeouts t(s, t0);
    SessionActivity a;
    a.in_flight = a.awaiting_broker = true;
    a.waiting_since = t0 + 2000ms;
    a.own_timeout_ms = 500;
    EXPECT_FALSE(t.check(a, t0 + 7499ms));
    const auto expired = t.check(a, t0 + 7500ms);
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->kind, TimeoutKind::upstream_request);
    EXPECT_EQ(expired->allowed, 5500ms);
}

TEST(SessionTimeouts, UpstreamTimeoutOffNeverClosesAPair) {
    auto s = settings();
    s.request_default = 0ms;
    SessionTimeouts t(s, t0);
    SessionActivity a;
    a.in_flight = a.awaiting_broker = true;
    a.waiting_since = t0;
    EXPECT_FALSE(t.check(a, t0 + std::chrono::hours(10)));
}

// A deadline that appears between two checks is never missed: the next check comes no later
// than the shortest allowance after the one before.
TEST(SessionTimeouts, ChecksOftenEnoughForDeadlinesThatAppearMeanwhile) {
    const auto s = settings();
    SessionTimeouts t(s, t0);
    EXPECT_EQ(t.next_check(), t0 + 2000ms);  // the frame grace, the shortest
    SessionActivity a;
    a.bytes_from_client = 1;
    ASSERT_FALSE(t.check(a, t0 + 1000ms));
    EXPECT_LE(t.next_check(), t0 + 1000ms + s.frame_grace);
    a.frame.running = true;  // a frame starts right after that check
    a.frame.since = t0 + 1001ms;
    const auto deadline = a.frame.since + SessionTimeouts::frame_allowance(s, 0);
    EXPECT_LE(t.next_check(), deadline);
    ASSERT_FALSE(t.check(a, t.next_check()));
    EXPECT_EQ(t.next_check(), deadline);
    EXPECT_TRUE(t.check(a, t.next_check()));
}

TEST(SessionTimeouts, OnlyIdleOnWakesForIdleAlone) {
    TimeoutSettings s;
    s.idle = 600000ms;
    SessionTimeouts t(s, t0);
    EXPECT_EQ(t.next_check(), t0 + 600000ms);
    EXPECT_FALSE(TimeoutSettings{}.any());
}

}  // namespace
}  // namespace kgate::gateway

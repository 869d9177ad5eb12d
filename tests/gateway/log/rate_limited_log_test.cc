#include "gateway/log/rate_limited_log.h"

#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace kgate::gateway {
namespace {

// Captures what spdlog's default logger writes while it lives.
class CapturedLog {
public:
    CapturedLog() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
        auto logger = std::make_shared<spdlog::logger>("captured", sink);
        logger->set_pattern("%l %v");
        logger->set_level(spdlog::level::info);
        spdlog::set_default_logger(logger);
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST(RateLimitedLog, OneLinePerIntervalThenTheCountHeldBack) {
    CapturedLog log;
    RateLimitedLog limited(1, std::chrono::milliseconds(200));
    // Start at the beginning of an interval, so all five fall in one.
    std::this_thread::sleep_for(std::chrono::milliseconds(200 - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                    std::chrono::steady_clock::now().time_since_epoch())
                                                                        .count() % 200));
    for (int i = 0; i < 5; ++i) limited.warn("accept failed");
    EXPECT_EQ(log.text(), "warning accept failed\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(220));
    limited.info("accept works again");
    EXPECT_EQ(log.text(), "warning accept failed\ninfo accept works again (4 similar messages suppressed)\n");
}

}  // namespace
}  // namespace kgate::gateway

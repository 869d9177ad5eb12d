// Golden frames: requests librdkafka really sent and responses its mock cluster really
// returned, captured over loopback sockets by kgate-capture-frames. Each must decode and
// re-encode byte for byte.
//   golden_frames_test FRAMES_DIR   (files NNNNN-request-KEY-VERSION.bin, size prefix included)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/frame_codec.h"
#include "protocol/frame/frame_splitter.h"

namespace fs = std::filesystem;

namespace kgate::protocol {
namespace {

fs::path g_frames_dir;

struct GoldenFrame {
    fs::path path;
    bool request = false;
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
};

std::vector<GoldenFrame> golden_frames() {
    std::vector<GoldenFrame> out;
    for (const auto& e : fs::directory_iterator(g_frames_dir)) {
        const std::string name = e.path().stem().string();
        int seq = 0;
        char dir[16] = {};
        int key = 0;
        int version = 0;
        if (std::sscanf(name.c_str(), "%d-%15[a-z]-%d-%d", &seq, dir, &key, &version) != 4) continue;
        out.push_back({e.path(), std::string(dir) == "request", static_cast<std::int16_t>(key), static_cast<std::int16_t>(version)});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

std::vector<std::byte> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

// Frames where librdkafka's mock cluster departs from the Kafka spec. The codec must refuse
// them with exactly this error rather than decode them into something else.
struct KnownMockQuirk {
    std::int16_t api_key;
    std::string_view error;
};
// (The mock's hand-made answer to an ApiVersions request newer than it knows reads as the asked
// version with bytes left over: accepted, as Kafka's Java client accepts it, and written back
// byte-identical.)
constexpr KnownMockQuirk kMockQuirks[] = {
    // Error answers to SyncGroup carry a null Assignment, which no version allows.
    {14, "field SyncGroupResponse.Assignment at offset 14: null bytes where the field is not nullable"},
};

bool is_known_mock_quirk(const GoldenFrame& f, const DecodeError& e) {
    const std::string text = e.to_string();
    return std::any_of(std::begin(kMockQuirks), std::end(kMockQuirks), [&](const KnownMockQuirk& q) {
        return !f.request && q.api_key == f.api_key && text.find(q.error) != std::string::npos;
    });
}

TEST(GoldenFrames, EveryCapturedFrameReencodesByteIdentical) {
    const auto frames = golden_frames();
    ASSERT_GE(frames.size(), 40u) << "too few captured frames in " << g_frames_dir;
    std::set<int> request_keys;
    std::map<std::string, int> pairs;
    int quirks = 0;
    for (const auto& f : frames) {
        const auto data = read_file(f.path);
        const auto status = FrameSplitter().check(data);
        ASSERT_EQ(status.kind, FrameStatus::Kind::complete) << f.path;
        ASSERT_EQ(status.bytes, data.size()) << f.path;
        const auto frame = std::span(data).subspan(4);
        std::optional<std::vector<std::byte>> again;
        if (f.request) {
            const auto d = decode_request(frame, 4);
            ASSERT_TRUE(d) << f.path.filename() << ": " << d.error().to_string();
            EXPECT_EQ(d->header.request_api_key, f.api_key);
            EXPECT_EQ(d->header.request_api_version, f.api_version);
            again = encode_request(*d);
            request_keys.insert(f.api_key);
        } else {
            const auto d = decode_response(f.api_key, f.api_version, frame, 4);
            if (!d && is_known_mock_quirk(f, d.error())) {
                ++quirks;
                continue;
            }
            ASSERT_TRUE(d) << f.path.filename() << ": " << d.error().to_string();
            again = encode_response(*d);
        }
        ASSERT_TRUE(again) << f.path.filename();
        EXPECT_TRUE(std::equal(again->begin(), again->end(), frame.begin(), frame.end()))
            << f.path.filename() << " re-encodes differently";
        ++pairs[fmt::format("{} {} v{}", f.request ? "request" : "response", f.api_key, f.api_version)];
    }
    fmt::print("golden: {} frames ({} mock quirks), {} distinct request API keys, {} (direction, key, version) pairs\n",
               frames.size(), quirks, request_keys.size(), pairs.size());
    EXPECT_GE(request_keys.size(), 15u);
    EXPECT_LT(quirks * 10, static_cast<int>(frames.size())) << "most frames must decode";
}

}  // namespace
}  // namespace kgate::protocol

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: golden_frames_test FRAMES_DIR\n");
        return 2;
    }
    kgate::protocol::g_frames_dir = argv[1];
    return RUN_ALL_TESTS();
}

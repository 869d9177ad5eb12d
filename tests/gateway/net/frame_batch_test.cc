#include "gateway/net/frame_batch.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/net/frame_io.h"
#include "gateway/net/socket_pair.h"

namespace kgate::gateway {
namespace {

std::vector<std::byte> bytes_of(std::size_t n, unsigned char seed) {
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = std::byte(static_cast<unsigned char>(seed + i));
    return v;
}

FrameBuffer read_bytes_of(std::size_t n, unsigned char seed) {
    const auto v = bytes_of(n, seed);
    return FrameBuffer(v.begin(), v.end());
}

using testing::SocketPair;

// Runs `body` as a coroutine to completion, rethrowing what it threw.
template <class F>
void run(asio::io_context& io, F body) {
    std::exception_ptr failure;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) { failure = e; });
    io.run();
    io.restart();
    if (failure) std::rethrow_exception(failure);
}

TEST(FrameBatch, SendsEveryFrameInOrderInOneWrite) {
    SocketPair s;
    const std::vector<std::vector<std::byte>> sent{bytes_of(10, 1), bytes_of(0, 0), bytes_of(70000, 7), bytes_of(3, 9)};
    FrameBatch batch;
    FrameBuffer reused(sent[0].begin(), sent[0].end());
    batch.add(reused);  // taken, not copied: `reused` is left empty (no spare yet)
    EXPECT_TRUE(reused.empty());
    batch.add(std::vector<std::byte>(sent[1]));
    batch.add(std::vector<std::byte>(sent[2]));
    batch.add(std::vector<std::byte>(sent[3]));
    EXPECT_EQ(batch.frames(), 4u);
    EXPECT_EQ(batch.bytes(), 10u + 0 + 70000 + 3 + 4 * 4);

    std::vector<std::vector<std::byte>> got;
    run(s.io, [&]() -> awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto write = [&]() -> awaitable<void> { EXPECT_FALSE(co_await batch.write_to(s.writer)); };
        auto read = [&]() -> awaitable<void> {
            std::vector<std::byte> frame;
            for (std::size_t i = 0; i < sent.size(); ++i) {
                EXPECT_FALSE(co_await read_frame(s.reader, frame, 1 << 20));
                got.push_back(frame);
            }
        };
        co_await (write() && read());
    });
    EXPECT_EQ(got, sent);
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(batch.bytes(), 0u);
}

TEST(FrameBatch, HandsSmallWrittenVectorsBackForTheNextRead) {
    SocketPair s;
    FrameBatch batch;
    FrameBuffer frame = read_bytes_of(1000, 3);
    batch.add(frame);
    run(s.io, [&]() -> awaitable<void> { EXPECT_FALSE(co_await batch.write_to(s.writer)); });
    FrameBuffer next = read_bytes_of(5, 1);
    batch.add(next);
    EXPECT_GE(next.capacity(), 1000u) << "the written frame's memory comes back as a spare";
    EXPECT_TRUE(next.empty());
}

TEST(FrameBatch, GivesLargeWrittenVectorsBackToTheAllocator) {
    SocketPair s;
    FrameBatch batch;
    FrameBuffer frame = read_bytes_of(200 * 1024, 3);
    batch.add(frame);
    std::vector<std::byte> sink(200 * 1024 + 4);
    run(s.io, [&]() -> awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto write = [&]() -> awaitable<void> { EXPECT_FALSE(co_await batch.write_to(s.writer)); };
        auto read = [&]() -> awaitable<void> { co_await asio::async_read(s.reader, asio::buffer(sink), asio::use_awaitable); };
        co_await (write() && read());
    });
    FrameBuffer next = read_bytes_of(5, 1);
    batch.add(next);
    EXPECT_LT(next.capacity(), 200u * 1024) << "an idle connection must not keep a big response's memory";
}

TEST(FrameBatch, SendsASplicedFrameAsOneFrame) {
    SocketPair s;
    FrameBatch batch;
    FrameBuffer frame = read_bytes_of(100, 0);
    const std::span<const std::byte> whole(frame.data(), frame.size());
    const auto before = whole.first(10);
    const auto after = whole.subspan(40);
    auto middle = bytes_of(5, 200);
    std::vector<std::byte> expected(before.begin(), before.end());
    expected.insert(expected.end(), middle.begin(), middle.end());
    expected.insert(expected.end(), after.begin(), after.end());

    batch.add(std::vector<std::byte>(bytes_of(3, 1)));
    batch.add_spliced(frame, before, std::move(middle), after);
    EXPECT_TRUE(frame.empty());
    EXPECT_EQ(batch.bytes(), 3u + 4 + expected.size() + 4);
    std::vector<std::byte> first, second;
    run(s.io, [&]() -> awaitable<void> {
        using namespace asio::experimental::awaitable_operators;
        auto write = [&]() -> awaitable<void> { EXPECT_FALSE(co_await batch.write_to(s.writer)); };
        auto read = [&]() -> awaitable<void> {
            EXPECT_FALSE(co_await read_frame(s.reader, first, 1 << 20));
            EXPECT_FALSE(co_await read_frame(s.reader, second, 1 << 20));
        };
        co_await (write() && read());
    });
    EXPECT_EQ(first, bytes_of(3, 1));
    EXPECT_EQ(second, expected);
}

TEST(FrameBatch, ReportsAWriteToAClosedPeer) {
    SocketPair s;
    s.reader.close();
    FrameBatch batch;
    error_code ec;
    // The first write may still be accepted by the kernel; a later one sees the reset.
    for (int i = 0; i < 50 && !ec; ++i) {
        batch.add(bytes_of(64 * 1024, 1));
        run(s.io, [&]() -> awaitable<void> { ec = co_await batch.write_to(s.writer); });
    }
    EXPECT_TRUE(ec);
    EXPECT_TRUE(batch.empty()) << "a failed write still empties the batch";
}

}  // namespace
}  // namespace kgate::gateway

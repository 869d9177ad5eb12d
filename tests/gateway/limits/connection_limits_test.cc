#include "gateway/limits/connection_limits.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

using Verdict = ConnectionLimits::Verdict;

const auto a1 = asio::ip::make_address("192.0.2.1");
const auto a2 = asio::ip::make_address("192.0.2.2");

TEST(ConnectionLimits, PerAddressLimitLeavesOtherAddressesAlone) {
    ConnectionLimits limits(10, 2);
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
    EXPECT_EQ(limits.admit(a1), Verdict::over_per_address);
    EXPECT_EQ(limits.admit(a2), Verdict::admitted);
    EXPECT_EQ(limits.open(), 3u);
    EXPECT_EQ(limits.open_from(a1), 2u);
    limits.release(a1);
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
}

TEST(ConnectionLimits, TotalLimitCountsEveryAddress) {
    ConnectionLimits limits(3, 0);  // 0: no per-address limit
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
    EXPECT_EQ(limits.admit(a2), Verdict::admitted);
    EXPECT_EQ(limits.admit(a2), Verdict::over_total);
    limits.release(a1);
    EXPECT_EQ(limits.admit(a2), Verdict::admitted);
    EXPECT_EQ(limits.open(), 3u);
}

TEST(ConnectionLimits, ZeroMeansNoLimitAndAddressesAreForgottenWhenEmpty) {
    ConnectionLimits limits(0, 0);
    for (int i = 0; i < 50000; ++i) ASSERT_EQ(limits.admit(a1), Verdict::admitted);
    EXPECT_EQ(limits.addresses(), 1u);
    for (int i = 0; i < 50000; ++i) limits.release(a1);
    EXPECT_EQ(limits.open(), 0u);
    EXPECT_EQ(limits.addresses(), 0u);
    limits.release(a2);  // never admitted: nothing to give back, nothing breaks
    EXPECT_EQ(limits.open(), 0u);
}

TEST(ConnectionLimits, Ipv4ClientsOfAnIpv6ListenerCountAsTheirIpv4Address) {
    EXPECT_EQ(counted_address(asio::ip::make_address("::ffff:192.0.2.1")), a1);
    EXPECT_EQ(counted_address(asio::ip::make_address("2001:db8::1")), asio::ip::make_address("2001:db8::1"));
}

TEST(ConnectionLimits, RefusalsNameTheLimitAndTheClient) {
    ConnectionLimits limits(1, 1);
    limits.admit(a1);
    const tcp::endpoint from(a1, 40000);
    EXPECT_EQ(limits.refusal_message(Verdict::over_per_address, from, 9092),
              "connection from 192.0.2.1:40000 to port 9092 refused: 1 connections from 192.0.2.1 already "
              "(max-connections-per-address 1)");
    EXPECT_EQ(limits.refusal_message(Verdict::over_total, tcp::endpoint(a2, 5), 9093),
              "connection from 192.0.2.2:5 to port 9093 refused: kgate holds 1 client connections (max-connections 1)");
}

TEST(ConnectionSlot, GivesItsPlaceBackOnTheControlLoopOnce) {
    asio::io_context control;
    ConnectionLimits limits(0, 1);
    int released = 0;
    limits.on_release([&] { ++released; });
    ASSERT_EQ(limits.admit(a1), Verdict::admitted);
    {
        ConnectionSlot slot(control, limits, a1);
        ConnectionSlot moved(std::move(slot));  // only the last owner gives it back
    }
    EXPECT_EQ(limits.open(), 1u);  // not yet: the release is posted to the control loop
    control.run();
    EXPECT_EQ(limits.open(), 0u);
    EXPECT_EQ(released, 1);
    EXPECT_EQ(limits.admit(a1), Verdict::admitted);
}

TEST(ConnectionSlot, PostsNothingOnceTheControlLoopHasStopped) {
    asio::io_context control;
    ConnectionLimits limits(0, 0);
    limits.admit(a1);
    limits.stop_releases();
    { ConnectionSlot slot(control, limits, a1); }
    EXPECT_EQ(control.poll(), 0u);
}

TEST(AdmitOrClose, ClosesARefusedSocketBeforeReadingAndCountsIt) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    ConnectionLimits limits(0, 1);
    GatewayMetrics metrics;
    tcp::socket first_client(io);
    first_client.connect(acceptor.local_endpoint());
    tcp::socket first = acceptor.accept();
    auto slot = admit_or_close(limits, io, first, 9092, metrics);
    EXPECT_TRUE(slot.has_value());
    EXPECT_TRUE(first.is_open());

    tcp::socket second_client(io);
    second_client.connect(acceptor.local_endpoint());
    tcp::socket second = acceptor.accept();
    EXPECT_FALSE(admit_or_close(limits, io, second, 9092, metrics).has_value());
    EXPECT_FALSE(second.is_open());
    std::array<char, 1> byte{};
    error_code ec;
    second_client.read_some(asio::buffer(byte), ec);
    EXPECT_EQ(ec, asio::error::eof);  // closed, nothing sent
}

}  // namespace
}  // namespace kgate::gateway

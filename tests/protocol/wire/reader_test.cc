#include "protocol/wire/reader.h"

#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/wire/sizes.h"
#include "protocol/wire/writer.h"

namespace kgate::protocol {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int b : v) out.push_back(static_cast<std::byte>(b));
    return out;
}

TEST(Reader, ReadsBigEndianIntegers) {
    const auto buf = bytes({0x01, 0x02, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x2a});
    Reader r(buf);
    std::int16_t a = 0;
    std::int16_t b = 0;
    std::int32_t c = 0;
    ASSERT_TRUE(r.read_int16(a));
    ASSERT_TRUE(r.read_int16(b));
    ASSERT_TRUE(r.read_int32(c));
    EXPECT_EQ(a, 0x0102);
    EXPECT_EQ(b, -2);
    EXPECT_EQ(c, 42);
    EXPECT_TRUE(r.at_end());
}

TEST(Reader, TruncatedReadFailsWithoutAdvancing) {
    const auto buf = bytes({0x00, 0x01, 0x02});
    Reader r(buf, 10);
    std::int16_t a = 0;
    ASSERT_TRUE(r.read_int16(a));
    std::int32_t b = 0;
    EXPECT_FALSE(r.read_int32(b));
    EXPECT_EQ(r.error().offset, 12u);  // frame offset: base 10 + 2 consumed
    EXPECT_EQ(r.remaining(), 1u);
    EXPECT_NE(r.error().reason.find("needs 4 bytes, 1 left"), std::string::npos) << r.error().reason;
}

TEST(Reader, VarintsRoundTripAtTheirEdges) {
    const std::vector<std::int64_t> values = {0, 1, -1, 63, -64, 64, 300, -300, std::numeric_limits<std::int32_t>::max(),
                                              std::numeric_limits<std::int32_t>::min()};
    std::vector<std::byte> buf(256);
    Writer w(buf);
    std::size_t expected = 0;
    for (auto v : values) {
        w.write_varint(static_cast<std::int32_t>(v));
        w.write_varlong(v * 1000003);
        expected += varint_size(static_cast<std::int32_t>(v)) + varlong_size(v * 1000003);
    }
    ASSERT_FALSE(w.overflowed());
    ASSERT_EQ(w.size(), expected);
    Reader r(w.written());
    for (auto v : values) {
        std::int32_t a = 0;
        std::int64_t b = 0;
        ASSERT_TRUE(r.read_varint(a));
        ASSERT_TRUE(r.read_varlong(b));
        EXPECT_EQ(a, v);
        EXPECT_EQ(b, v * 1000003);
    }
    EXPECT_TRUE(r.at_end());
}

TEST(Reader, OverlongVarintIsRejected) {
    // Six continuation bytes: longer than any 32-bit varint may be.
    const auto six = bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
    Reader r(six);
    std::uint32_t v = 0;
    EXPECT_FALSE(r.read_uvarint(v));
    EXPECT_EQ(r.remaining(), six.size());
    EXPECT_NE(r.error().reason.find("longer than 5 bytes"), std::string::npos) << r.error().reason;
    // Eleven bytes for a varlong.
    const auto eleven = bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
    Reader r3(eleven);
    std::uint64_t l = 0;
    EXPECT_FALSE(r3.read_uvarlong(l));
}

TEST(Reader, VarintBitsPastTheTypeFallAwayAsKafkaReadsThem) {
    // Kafka's readers accept a fifth (tenth) byte with bits beyond 32 (64) and drop them.
    const auto wide = bytes({0xff, 0xff, 0xff, 0xff, 0x7f});
    Reader r(wide);
    std::uint32_t v = 0;
    ASSERT_TRUE(r.read_uvarint(v));
    EXPECT_EQ(v, 0xffffffffu);
    EXPECT_TRUE(r.at_end());
    // Over-long but terminated: zero in two bytes.
    const auto padded = bytes({0x80, 0x00});
    Reader r2(padded);
    ASSERT_TRUE(r2.read_uvarint(v));
    EXPECT_EQ(v, 0u);
    const auto wide_long = bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});
    Reader r3(wide_long);
    std::uint64_t l = 0;
    ASSERT_TRUE(r3.read_uvarlong(l));
    EXPECT_EQ(l, ~std::uint64_t{0});
}

TEST(Reader, VarintRunningPastTheEndFails) {
    const auto buf = bytes({0x80, 0x80});
    Reader r(buf);
    std::uint32_t v = 0;
    EXPECT_FALSE(r.read_uvarint(v));
    EXPECT_NE(r.error().reason.find("past the end"), std::string::npos);
}

TEST(Reader, ClassicAndCompactStrings) {
    const auto buf = bytes({0x00, 0x02, 'h', 'i', 0x03, 'y', 'o', 0xff, 0xff, 0x00});
    Reader r(buf);
    std::string a;
    std::string b;
    std::optional<std::string> c;
    std::optional<std::string> d;
    ASSERT_TRUE(r.read_string(a, false));
    ASSERT_TRUE(r.read_string(b, true));
    ASSERT_TRUE(r.read_nullable_string(c, false, true));
    ASSERT_TRUE(r.read_nullable_string(d, true, true));
    EXPECT_EQ(a, "hi");
    EXPECT_EQ(b, "yo");
    EXPECT_FALSE(c.has_value());
    EXPECT_FALSE(d.has_value());
}

TEST(Reader, NullWhereNotNullableIsAnError) {
    const auto buf = bytes({0xff, 0xff});
    Reader r(buf);
    std::string s;
    EXPECT_FALSE(r.read_string(s, false));
    EXPECT_NE(r.error().reason.find("not nullable"), std::string::npos);
    EXPECT_EQ(r.remaining(), 2u);
    std::optional<std::string> o;
    Reader r2(buf);
    EXPECT_FALSE(r2.read_nullable_string(o, false, false));
}

TEST(Reader, EveryNegativeLengthIsNullAsKafkaReadsIt) {
    // Kafka's generated readers take any negative length for null, not only -1.
    const auto neg = bytes({0xff, 0xfe, 'x'});
    Reader r(neg);
    std::string s;
    EXPECT_FALSE(r.read_string(s, false));
    EXPECT_NE(r.error().reason.find("not nullable"), std::string::npos);
    EXPECT_EQ(r.remaining(), neg.size());
    Reader r1(neg);
    std::optional<std::string> o = "set";
    ASSERT_TRUE(r1.read_nullable_string(o, false, true));
    EXPECT_FALSE(o.has_value());
    EXPECT_EQ(r1.remaining(), 1u);
    // A compact length past 2^31 is negative as a 32-bit N: null too.
    const auto compact = bytes({0x81, 0x80, 0x80, 0x80, 0x08});
    Reader r4(compact);
    std::optional<BytesView> ob;
    ASSERT_TRUE(r4.read_nullable_bytes(ob, true, true));
    EXPECT_FALSE(ob.has_value());
    EXPECT_TRUE(r4.at_end());
}

TEST(Reader, OversizedLengthsAreRejected) {
    const auto big = bytes({0x7f, 0xff, 0xff, 0xff, 0x01});
    Reader r2(big);
    BytesView b;
    EXPECT_FALSE(r2.read_bytes(b, false));
    EXPECT_NE(r2.error().reason.find("exceeds the 1 bytes left"), std::string::npos) << r2.error().reason;
}

TEST(Reader, HugeArrayCountFailsBeforeAllocating) {
    // 2^31-1 elements announced, 1 byte of input: nothing may be allocated for them.
    const auto classic = bytes({0x7f, 0xff, 0xff, 0xff, 0x00});
    Reader r(classic);
    std::int32_t n = 0;
    EXPECT_FALSE(r.read_array_length(n, false, false));
    EXPECT_NE(r.error().reason.find("array count 2147483647 exceeds"), std::string::npos) << r.error().reason;
    const auto compact = bytes({0xff, 0xff, 0xff, 0xff, 0x0f});
    Reader r2(compact);
    EXPECT_FALSE(r2.read_array_length(n, true, false));
    // Any negative count is null where null is allowed, and refused where it is not.
    const auto negative = bytes({0xff, 0xff, 0xff, 0xfe});
    Reader r3(negative);
    ASSERT_TRUE(r3.read_array_length(n, false, true));
    EXPECT_EQ(n, -1);
    Reader r4(negative);
    EXPECT_FALSE(r4.read_array_length(n, false, false));
    EXPECT_NE(r4.error().reason.find("null array where the field is not nullable"), std::string::npos);
}

TEST(Reader, BytesAreAViewIntoTheInput) {
    const auto buf = bytes({0x00, 0x00, 0x00, 0x03, 7, 8, 9});
    Reader r(buf);
    BytesView v;
    ASSERT_TRUE(r.read_bytes(v, false));
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(v.data(), buf.data() + 4);  // no copy
}

TEST(Reader, ErrorPathNamesFieldsOutward) {
    const auto buf = bytes({});
    Reader r(buf);
    std::int32_t x = 0;
    ASSERT_FALSE(r.read_int32(x));
    r.fail_in("Host");
    r.fail_in_index("Brokers", 2);
    r.fail_in("MetadataResponse");
    EXPECT_EQ(r.error().path, "MetadataResponse.Brokers[2].Host");
    EXPECT_EQ(r.error().to_string(), "field MetadataResponse.Brokers[2].Host at offset 0: int32 needs 4 bytes, 0 left");
}

TEST(Writer, OverflowIsReportedNotWritten) {
    std::vector<std::byte> buf(3);
    Writer w(buf);
    w.write_int16(1);
    w.write_int32(2);
    EXPECT_TRUE(w.overflowed());
    EXPECT_EQ(w.size(), 2u);
}

TEST(Writer, ClassicStringOverInt16IsRefused) {
    std::vector<std::byte> buf(70000);
    Writer w(buf);
    w.write_string(std::string(40000, 'x'), false);
    EXPECT_TRUE(w.overflowed());
}

}  // namespace
}  // namespace kgate::protocol

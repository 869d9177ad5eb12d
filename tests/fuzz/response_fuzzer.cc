// libFuzzer target: the first 4 bytes choose the API (big-endian int16 key, then int16
// version, as the request would have said), the rest is a response frame without its size
// prefix. Whatever decodes must re-encode, and the re-encoded frame must decode to an equal
// value.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "fuzz_check.h"
#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace {

using kgate::protocol::ApiInfo;
using kgate::protocol::DecodedResponse;

struct Selector {
    std::int16_t api_key;
    std::int16_t api_version;
};

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// A key or version the codec does not know is folded onto a known one, so that no input is
// wasted on the "unknown API" error; seeds carry real (key, version) pairs and stay as they are.
Selector select_api(const std::uint8_t* p) {
    const auto apis = kgate::protocol::all_apis();
    const std::uint16_t key = be16(p);
    const std::uint16_t version = be16(p + 2);
    const ApiInfo* api = kgate::protocol::find_api(static_cast<std::int16_t>(key));
    if (api == nullptr) api = &apis[key % apis.size()];
    auto v = static_cast<std::int16_t>(version);
    if (!api->can_decode(v)) {
        const int span = api->max_decodable_version - api->min_version + 1;
        v = static_cast<std::int16_t>(api->min_version + version % span);
    }
    return {api->key, v};
}

bool equal(const DecodedResponse& a, const DecodedResponse& b) {
    return a.body_version == b.body_version && a.header_version == b.header_version && a.header == b.header &&
           a.body == b.body;
}

// A NaN float64 never equals itself, so for the one response with float64 fields a value
// that compares unequal is still accepted when it re-encodes to the very same bytes.
bool may_hold_nan(const DecodedResponse& r) {
    return std::holds_alternative<kgate::protocol::messages::DescribeClientQuotasResponse>(r.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kgate::protocol;
    if (size < 4) return 0;
    const Selector s = select_api(data);
    const auto first = decode_response(s.api_key, s.api_version, kgate::fuzz::as_bytes(data + 4, size - 4));
    if (!first) return 0;

    const auto bytes = encode_response(*first);
    if (!bytes) kgate::fuzz::fail("a decoded response does not encode");
    const auto second = decode_response(s.api_key, s.api_version, *bytes);
    if (!second) kgate::fuzz::fail("the re-encoded response does not decode: " + second.error().to_string());
    if (equal(*first, *second)) return 0;

    if (may_hold_nan(*first)) {
        const auto again = encode_response(*second);
        if (again && *again == *bytes) return 0;
    }
    kgate::fuzz::fail("the re-encoded response decodes to a different value");
}

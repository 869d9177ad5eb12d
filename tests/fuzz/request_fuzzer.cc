// libFuzzer target: the input is a request frame without its size prefix. Whatever decodes
// must re-encode, and the re-encoded frame must decode to an equal value.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "fuzz_check.h"
#include "protocol/codec/frame_codec.h"

namespace {

using kgate::protocol::DecodedRequest;

bool equal(const DecodedRequest& a, const DecodedRequest& b) {
    return a.header_version == b.header_version && a.header == b.header && a.body == b.body;
}

// A NaN float64 never equals itself, so for the one request with float64 fields a value
// that compares unequal is still accepted when it re-encodes to the very same bytes.
bool may_hold_nan(const DecodedRequest& r) {
    return std::holds_alternative<kgate::protocol::messages::AlterClientQuotasRequest>(r.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kgate::protocol;
    const auto first = decode_request(kgate::fuzz::as_bytes(data, size));
    if (!first) return 0;

    const auto bytes = encode_request(*first);
    if (!bytes) kgate::fuzz::fail("a decoded request does not encode");
    const auto second = decode_request(*bytes);
    if (!second) kgate::fuzz::fail("the re-encoded request does not decode: " + second.error().to_string());
    if (equal(*first, *second)) return 0;

    if (may_hold_nan(*first)) {
        const auto again = encode_request(*second);
        if (again && *again == *bytes) return 0;
    }
    kgate::fuzz::fail("the re-encoded request decodes to a different value");
}

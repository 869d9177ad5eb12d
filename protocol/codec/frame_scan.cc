#include "protocol/codec/frame_scan.h"

#include "protocol/codec/check_api.h"
#include "protocol/messages/any_message.h"
#include "protocol/messages/response_header.h"

namespace kgate::protocol {
namespace {

constexpr std::int16_t kApiVersionsKey = 18;

void keep_first(void* context, std::int16_t code) {
    auto* first = static_cast<std::int16_t*>(context);
    if (*first == 0) *first = code;
}

}  // namespace

Result<ScannedResponse> scan_response_fields(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                             std::span<FieldSpan> spans, std::size_t base_offset) {
    Reader r(frame, base_offset);
    auto api = check_api(api_key, api_version, r, base_offset);
    if (!api) return api.error();
    if (!messages::ResponseHeader::scan(r, response_header_version(**api, api_version), ErrorCodeSink{})) {
        r.fail_in("ResponseHeader");
        return r.take_error();
    }
    ScannedResponse out{0, api_version, r.offset(), 0};
    const Reader body_start = r;
    const bool scanned = messages::scan_response_body(api_key, api_version, r, ErrorCodeSink{&keep_first, &out.first_error_code}, spans);
    if (api_key == kApiVersionsKey && api_version > 0 && (!scanned || !r.at_end())) {
        // As decode_response(): a broker answers an ApiVersions request newer than it knows
        // with a v0 body, which wins when it ends where the frame ends. The codes the other
        // attempt reported are dropped.
        Reader v0 = body_start;
        std::int16_t first_v0 = 0;
        if (messages::scan_response_body(api_key, 0, v0, ErrorCodeSink{&keep_first, &first_v0}, spans) && (!scanned || v0.at_end())) {
            return ScannedResponse{first_v0, 0, out.body_offset, v0.remaining()};
        }
        // The spans now describe the v0 attempt: scan the chosen reading again to restore them.
        if (scanned && !spans.empty()) {
            Reader again = body_start;
            messages::scan_response_body(api_key, api_version, again, ErrorCodeSink{}, spans);
        }
    }
    if (!scanned) return r.take_error();
    out.trailing_bytes = r.remaining();
    return out;
}

Result<std::int16_t> scan_response(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                   std::size_t base_offset) {
    auto scanned = scan_response_fields(api_key, api_version, frame, {}, base_offset);
    if (!scanned) return scanned.error();
    return scanned->first_error_code;
}

}  // namespace kgate::protocol

#include "protocol/codec/frame_codec.h"

#include "protocol/codec/check_api.h"

namespace kgate::protocol {
namespace {

constexpr std::int16_t kApiVersionsKey = 18;

TrailingBytes trailing_of(const Reader& r) { return TrailingBytes(r.rest().begin(), r.rest().end()); }

}  // namespace

Result<RequestPrefix> peek_request_prefix(std::span<const std::byte> frame, std::size_t base_offset) {
    Reader r(frame, base_offset);
    RequestPrefix p;
    if (!r.read_int16(p.api_key)) return (r.fail_in("RequestHeader.RequestApiKey"), r.take_error());
    if (!r.read_int16(p.api_version)) return (r.fail_in("RequestHeader.RequestApiVersion"), r.take_error());
    if (!r.read_int32(p.correlation_id)) return (r.fail_in("RequestHeader.CorrelationId"), r.take_error());
    return p;
}

Result<DecodedRequest> decode_request(std::span<const std::byte> frame, std::size_t base_offset) {
    auto prefix = peek_request_prefix(frame, base_offset);
    if (!prefix) return prefix.error();
    Reader r(frame, base_offset);
    auto api = check_api(prefix->api_key, prefix->api_version, r, base_offset);
    if (!api) return api.error();

    DecodedRequest out;
    out.header_version = request_header_version(**api, prefix->api_version);
    if (!out.header.decode(r, out.header_version)) {
        r.fail_in("RequestHeader");
        return r.take_error();
    }
    auto body = messages::decode_request_body(prefix->api_key, prefix->api_version, r);
    if (!body) return body.error();
    out.body = std::move(*body);
    out.trailing = trailing_of(r);
    return out;
}

Result<DecodedResponse> decode_response(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                        std::size_t base_offset) {
    Reader r(frame, base_offset);
    auto api = check_api(api_key, api_version, r, base_offset);
    if (!api) return api.error();
    DecodedResponse out{api_key, api_version, api_version, {}, response_header_version(**api, api_version),
                        messages::ProduceResponse{}, {}};
    if (!out.header.decode(r, out.header_version)) {
        r.fail_in("ResponseHeader");
        return r.take_error();
    }
    const Reader body_start = r;
    auto body = messages::decode_response_body(api_key, api_version, r);
    if (api_key == kApiVersionsKey && api_version > 0 && (!body || !r.at_end())) {
        // A broker answers an ApiVersions request newer than it knows with a v0 body
        // (UNSUPPORTED_VERSION plus its own range) so that any client can read it. A v0 body
        // that ends where the frame ends wins over a newer reading that leaves bytes over.
        Reader v0 = body_start;
        auto fallback = messages::decode_response_body(api_key, 0, v0);
        if (fallback && (!body || v0.at_end())) {
            out.body_version = 0;
            body = std::move(fallback);
            r = v0;
        }
    }
    if (!body) return body.error();
    out.body = std::move(*body);
    out.trailing = trailing_of(r);
    return out;
}

namespace {

template <class Header, class Body>
std::optional<std::vector<std::byte>> encode_frame(const Header& header, std::int16_t header_version, const Body& body,
                                                   std::int16_t version, const TrailingBytes& trailing) {
    const std::size_t header_size = header.encoded_size(header_version);
    const std::size_t body_size = std::visit([&](const auto& m) { return m.encoded_size(version); }, body);
    std::vector<std::byte> out(header_size + body_size + trailing.size());
    Writer w(out);
    header.encode(w, header_version);
    std::visit([&](const auto& m) { m.encode(w, version); }, body);
    w.write_raw(BytesView(trailing));
    if (w.overflowed() || w.size() != out.size()) return std::nullopt;
    return out;
}

}  // namespace

std::optional<std::vector<std::byte>> encode_request(const DecodedRequest& request) {
    return encode_frame(request.header, request.header_version, request.body, request.header.request_api_version,
                        request.trailing);
}

std::optional<std::vector<std::byte>> encode_response(const DecodedResponse& response) {
    return encode_frame(response.header, response.header_version, response.body, response.body_version, response.trailing);
}

}  // namespace kgate::protocol

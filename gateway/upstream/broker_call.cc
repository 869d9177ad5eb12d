#include "gateway/upstream/broker_call.h"

#include <fmt/format.h>

#include "gateway/net/frame_io.h"

namespace kgate::gateway {

awaitable<std::optional<protocol::DecodedResponse>> call_broker(TransportStream& socket, const protocol::messages::AnyRequest& body,
                                                                std::int16_t version, std::int32_t correlation_id,
                                                                std::size_t max_frame_size, std::string& error,
                                                                std::vector<std::byte>* frame_out) {
    const std::int16_t api_key = std::visit([](const auto& m) { return std::decay_t<decltype(m)>::api_key; }, body);
    const auto* api = protocol::find_api(api_key);
    protocol::DecodedRequest request{{}, protocol::request_header_version(*api, version), body, {}};
    request.header.request_api_key = api_key;
    request.header.request_api_version = version;
    request.header.correlation_id = correlation_id;
    request.header.client_id = "kgate";
    const auto bytes = protocol::encode_request(request);
    if (!bytes) {
        error = fmt::format("cannot encode {} v{}", api->name, version);
        co_return std::nullopt;
    }
    if (auto ec = co_await write_frame(socket, *bytes)) {
        error = fmt::format("sending {}: {}", api->name, ec.message());
        co_return std::nullopt;
    }
    std::vector<std::byte> frame;
    if (auto ec = co_await read_frame(socket, frame, max_frame_size)) {
        error = fmt::format("reading the {} response: {}", api->name, ec.message());
        co_return std::nullopt;
    }
    auto decoded = protocol::decode_response(api_key, version, frame);
    if (!decoded) {
        error = fmt::format("{} response: {}", api->name, decoded.error().to_string());
        co_return std::nullopt;
    }
    if (decoded->header.correlation_id != correlation_id) {
        error = fmt::format("{} response has correlation id {}, expected {}", api->name, decoded->header.correlation_id, correlation_id);
        co_return std::nullopt;
    }
    // The decoded body may view into `frame`: moved out, its bytes stay where they are.
    if (frame_out) *frame_out = std::move(frame);
    co_return std::move(*decoded);
}

}  // namespace kgate::gateway

#include "protocol/codec/check_api.h"

#include <fmt/format.h>

namespace kgate::protocol {

Result<const ApiInfo*> check_api(std::int16_t api_key, std::int16_t api_version, Reader& r, std::size_t at) {
    const ApiInfo* api = find_api(api_key);
    if (api == nullptr) {
        r.fail_at(at, fmt::format("unknown API key {}", api_key));
        return r.take_error();
    }
    if (!api->can_decode(api_version)) {
        r.fail_at(at + 2, fmt::format("{} (key {}) has no version {}: the codec knows {} to {}", api->name, api_key, api_version,
                                      api->min_version, api->max_decodable_version));
        return r.take_error();
    }
    return api;
}

}  // namespace kgate::protocol

#include "protocol/codec/api_table.h"

#include <algorithm>
#include <array>

namespace kgate::protocol {
namespace {

constexpr std::int16_t kApiVersionsKey = 18;

// Keys are small and dense, so a direct index beats searching.
struct ApiIndex {
    std::array<const ApiInfo*, 512> by_key{};
    ApiIndex() {
        for (const auto& a : all_apis()) {
            if (a.key >= 0 && static_cast<std::size_t>(a.key) < by_key.size()) by_key[static_cast<std::size_t>(a.key)] = &a;
        }
    }
};

}  // namespace

const ApiInfo* find_api(std::int16_t key) {
    static const ApiIndex index;
    if (key < 0 || static_cast<std::size_t>(key) >= index.by_key.size()) return nullptr;
    return index.by_key[static_cast<std::size_t>(key)];
}

std::int16_t request_header_version(const ApiInfo& api, std::int16_t version) { return api.is_flexible(version) ? 2 : 1; }

std::int16_t response_header_version(const ApiInfo& api, std::int16_t version) {
    if (api.key == kApiVersionsKey) return 0;
    return api.is_flexible(version) ? 1 : 0;
}

}  // namespace kgate::protocol

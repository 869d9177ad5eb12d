#pragma once
// The first check of every frame decode or scan: a known API key at a version the codec knows.
#include <cstddef>
#include <cstdint>

#include "protocol/codec/api_table.h"
#include "protocol/wire/reader.h"
#include "protocol/wire/result.h"

namespace kgate::protocol {

// `at` is the frame offset of the API key, for the error.
Result<const ApiInfo*> check_api(std::int16_t api_key, std::int16_t api_version, Reader& r, std::size_t at);

}  // namespace kgate::protocol

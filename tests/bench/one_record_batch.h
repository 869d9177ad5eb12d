#pragma once
// A Kafka record batch (magic 2) holding one record with no key: what a producer without
// idempotence sends, checksummed (CRC-32C) so a real broker accepts it.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kgate::bench {

std::vector<std::byte> one_record_batch(std::size_t value_size, std::int64_t timestamp_ms);

}  // namespace kgate::bench

// What each test message carries, so a consumer can tell its run's messages apart from
// earlier runs on the same topic, detect duplicates (id) and check per-key order (seq).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kgate::e2e {

struct Payload {
  std::string run_id;
  std::int64_t id = 0;   // 0..count-1, unique within a run
  std::int32_t key = 0;  // the message key is key_name(key)
  std::int64_t seq = 0;  // 0, 1, 2... per key: a key always lands on one partition
};

std::string key_name(std::int32_t key);
std::string encode_payload(const Payload& p);
std::optional<Payload> decode_payload(std::string_view value);

}  // namespace kgate::e2e

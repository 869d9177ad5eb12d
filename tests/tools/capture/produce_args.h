// Builders for rd_kafka_produceva() arguments. The RD_KAFKA_V_* macros use
// GNU statement expressions, which -Wpedantic rejects in C++.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>

namespace kgate::capture {

inline rd_kafka_vu_t vu_topic(const char* topic) {
  rd_kafka_vu_t vu{};
  vu.vtype = RD_KAFKA_VTYPE_TOPIC;
  vu.u.cstr = topic;
  return vu;
}

inline rd_kafka_vu_t vu_partition(std::int32_t partition) {
  rd_kafka_vu_t vu{};
  vu.vtype = RD_KAFKA_VTYPE_PARTITION;
  vu.u.i32 = partition;
  return vu;
}

// Always paired with vu_copy_flag(): librdkafka copies, so dropping const is safe.
inline rd_kafka_vu_t vu_bytes(rd_kafka_vtype_t type, const std::string& bytes) {
  rd_kafka_vu_t vu{};
  vu.vtype = type;
  vu.u.mem.ptr = const_cast<char*>(bytes.data());
  vu.u.mem.size = bytes.size();
  return vu;
}

inline rd_kafka_vu_t vu_copy_flag() {
  rd_kafka_vu_t vu{};
  vu.vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu.u.i = RD_KAFKA_MSG_F_COPY;
  return vu;
}

// value == nullptr produces a header with a null value.
inline rd_kafka_vu_t vu_header(const char* name, const std::string* value) {
  rd_kafka_vu_t vu{};
  vu.vtype = RD_KAFKA_VTYPE_HEADER;
  vu.u.header.name = name;
  vu.u.header.val = value != nullptr ? value->data() : nullptr;
  vu.u.header.size = value != nullptr ? static_cast<ssize_t>(value->size()) : -1;
  return vu;
}

}  // namespace kgate::capture

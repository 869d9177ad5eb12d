// Turns an admin result event into one line: "ok" or its first error,
// looking into per-item results (the event-level error is often unset
// when every item failed).
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

namespace kgate::capture {

[[nodiscard]] std::string describe_admin_result(rd_kafka_event_t* event);

}  // namespace kgate::capture

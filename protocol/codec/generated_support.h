#pragma once
// What every generated message header needs, in one place.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/codec/message_kind.h"
#include "protocol/codec/scan_sink.h"
#include "protocol/wire/bytes_view.h"
#include "protocol/wire/reader.h"
#include "protocol/wire/tagged_field.h"
#include "protocol/wire/uuid.h"
#include "protocol/wire/writer.h"

namespace kgate::protocol {
class JsonWriter;
}

#pragma once
// Per-field scan code: how one field's bytes are passed over, mirroring emit_read() check
// for check so a scan fails where decode fails, with the same field path and reason.
#include <string>

#include "code_writer.h"
#include "emit_field.h"

namespace kgate::codegen {

// Scans the field with reader `r`; ErrorCode values go to `sink`. On failure the emitted code
// returns `false` after naming the field.
void emit_scan(CodeWriter& out, const FieldCode& fc, const std::string& r);

}  // namespace kgate::codegen

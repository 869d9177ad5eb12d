#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "message_spec.h"

namespace kgate::codegen {

// Parses and validates one definition. Throws SpecError naming the file and field on any
// unknown attribute, malformed version range, bad type or inconsistent definition.
MessageSpec parse_message_spec(const nlohmann::json& doc, const std::string& file);

// Reads a definition file (JSON with // comments) and parses it.
MessageSpec load_message_spec(const std::filesystem::path& path);

}  // namespace kgate::codegen

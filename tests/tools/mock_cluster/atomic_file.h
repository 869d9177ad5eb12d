// Publishing small files that other processes poll for.
#pragma once

#include <filesystem>
#include <string_view>

namespace kgate::mockcluster {

// Writes content to a temporary file next to path, then renames it over path,
// so a reader sees either no file or the whole content. Throws std::system_error.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace kgate::mockcluster

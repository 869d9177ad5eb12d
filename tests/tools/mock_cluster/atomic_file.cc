#include "atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include "common/unique_fd.h"

namespace kgate::mockcluster {
namespace {

[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, what);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  // Same directory as the target: rename() is only atomic within one file system.
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());
  const std::string what = "writing " + temp.string();
  try {
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) throw_errno(errno, what);
    write_all(fd.get(), content, what);
    // close() can report a deferred write error, so check it rather than leave it to ~UniqueFd.
    if (::close(fd.release()) != 0) throw_errno(errno, what);
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
      throw_errno(errno, "renaming to " + path.string());
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

}  // namespace kgate::mockcluster

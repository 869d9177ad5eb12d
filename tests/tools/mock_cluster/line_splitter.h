// Cuts a byte stream into '\n'-terminated lines (a trailing '\r' is dropped,
// so CRLF clients such as `nc -C` work). Lines longer than the limit are
// reported once as too long and their remaining bytes skipped, which bounds
// the memory a client can make us hold.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kgate::mockcluster {

struct Line {
  std::string text;
  bool too_long = false;  // text is empty then
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line) : max_line_(max_line) {}

  void feed(std::string_view bytes);
  // The next complete line, if any.
  [[nodiscard]] std::optional<Line> next();
  // At end of stream: the unterminated last line, if there is one.
  [[nodiscard]] std::optional<Line> rest();

 private:
  std::size_t max_line_;
  std::string buffer_;
  bool skipping_ = false;  // inside a line already reported as too long
};

}  // namespace kgate::mockcluster

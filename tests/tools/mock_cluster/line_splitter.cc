#include "line_splitter.h"

namespace kgate::mockcluster {

void LineSplitter::feed(std::string_view bytes) { buffer_.append(bytes); }

std::optional<Line> LineSplitter::next() {
  while (true) {
    const std::size_t newline = buffer_.find('\n');
    if (skipping_) {
      // Drop the rest of the overlong line; what follows the newline is a fresh line.
      if (newline == std::string::npos) {
        buffer_.clear();
        return std::nullopt;
      }
      buffer_.erase(0, newline + 1);
      skipping_ = false;
      continue;
    }
    if (newline == std::string::npos) {
      if (buffer_.size() <= max_line_) return std::nullopt;
      skipping_ = true;
      return Line{{}, true};
    }
    if (newline > max_line_) {
      buffer_.erase(0, newline + 1);
      return Line{{}, true};
    }
    Line line{buffer_.substr(0, newline), false};
    buffer_.erase(0, newline + 1);
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    return line;
  }
}

std::optional<Line> LineSplitter::rest() {
  if (skipping_ || buffer_.empty()) return std::nullopt;
  feed("\n");
  return next();
}

}  // namespace kgate::mockcluster

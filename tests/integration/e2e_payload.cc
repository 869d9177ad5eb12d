#include "e2e_payload.h"

#include <charconv>

namespace kgate::e2e {
namespace {

// Reads "NAME=" then a number up to ';' or the end.
template <typename Int>
bool take_number(std::string_view& text, std::string_view name, Int& out) {
  if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=') return false;
  text.remove_prefix(name.size() + 1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ';') text.remove_prefix(1);
  return true;
}

}  // namespace

std::string key_name(std::int32_t key) { return "key-" + std::to_string(key); }

std::string encode_payload(const Payload& p) {
  return "run=" + p.run_id + ";id=" + std::to_string(p.id) + ";key=" + std::to_string(p.key) +
         ";seq=" + std::to_string(p.seq);
}

std::optional<Payload> decode_payload(std::string_view value) {
  Payload p;
  if (!value.starts_with("run=")) return std::nullopt;
  value.remove_prefix(4);
  const auto semi = value.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  p.run_id = std::string(value.substr(0, semi));
  value.remove_prefix(semi + 1);
  if (!take_number(value, "id", p.id) || !take_number(value, "key", p.key) || !take_number(value, "seq", p.seq) ||
      !value.empty()) {
    return std::nullopt;
  }
  return p;
}

}  // namespace kgate::e2e

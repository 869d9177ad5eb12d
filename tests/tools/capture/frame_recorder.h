// Writes captured frames as one file each and keeps the statistics the
// summary and the pass/fail decision are based on. Thread-safe.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace kgate::capture {

enum class Direction : std::uint8_t { request = 0, response = 1 };
[[nodiscard]] std::string_view to_string(Direction direction) noexcept;

struct ApiKind {
  std::int16_t key = 0;
  std::int16_t version = 0;
  auto operator<=>(const ApiKind&) const = default;
};

struct FrameInfo {
  Direction direction = Direction::request;
  ApiKind kind;
  std::int32_t correlation_id = 0;
  std::string_view client_id;
  std::uint64_t connection_id = 0;
};

struct CaptureSummary {
  std::array<std::uint64_t, 2> frames_seen{};     // indexed by Direction
  std::array<std::uint64_t, 2> frames_written{};  // indexed by Direction
  std::set<ApiKind> requests_seen;
  std::set<ApiKind> requests_written;
  std::set<ApiKind> responses_written;
  std::uint64_t unanswered_requests = 0;  // peer hung up before answering
  std::set<ApiKind> unanswered_kinds;
  std::vector<std::string> problems;  // anything that makes the corpus suspect
};

class FrameRecorder {
 public:
  // Requests kept per (api key, version): at most limit_per_client from one
  // client.id, so each workload (each compression codec, the transactional
  // producer, ...) keeps examples of its own, and at most
  // kClientsPerKind * limit_per_client in all, so the corpus stays small.
  // Responses follow their requests.
  static constexpr int kClientsPerKind = 4;
  FrameRecorder(std::filesystem::path out_dir, int limit_per_client);

  // Deletes files a previous run left in dir (only names this tool writes),
  // so one directory always holds one consistent capture. Returns the count.
  static std::size_t remove_previous_capture(const std::filesystem::path& dir);

  // Counts a request and writes it if its (kind, client) quota allows.
  // Returns whether it was written; the caller passes that to
  // record_response so kept requests and responses come in pairs.
  bool record_request(const FrameInfo& info, std::span<const std::byte> frame);
  void record_response(const FrameInfo& info, std::span<const std::byte> frame, bool keep);

  // A connection ended with this request still waiting for its response.
  void note_unanswered(ApiKind kind);

  void report_problem(std::string problem);

  [[nodiscard]] CaptureSummary summary() const;

 private:
  // Caller holds mu_.
  void write_locked(const FrameInfo& info, std::span<const std::byte> frame);

  const std::filesystem::path out_dir_;
  const int limit_per_client_;

  mutable std::mutex mu_;
  std::ofstream index_;
  std::uint64_t next_sequence_ = 0;
  std::map<std::tuple<std::int16_t, std::int16_t, std::string>, int> kept_per_client_;
  std::map<ApiKind, int> kept_per_kind_;
  CaptureSummary summary_;
};

}  // namespace kgate::capture

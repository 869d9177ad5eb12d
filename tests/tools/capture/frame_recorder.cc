#include "frame_recorder.h"

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

namespace kgate::capture {
namespace {

constexpr const char* kIndexName = "index.tsv";
constexpr std::size_t kMaxProblems = 50;  // keep the report readable

std::size_t index_of(Direction direction) noexcept { return static_cast<std::size_t>(direction); }

// Skips a run of at least min_digits decimal digits at the front of text.
bool skip_digits(std::string_view& text, std::size_t min_digits) {
  std::size_t n = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9') ++n;
  if (n < min_digits) return false;
  text.remove_prefix(n);
  return true;
}

bool skip_literal(std::string_view& text, std::string_view literal) {
  if (!text.starts_with(literal)) return false;
  text.remove_prefix(literal.size());
  return true;
}

// NNNNN-{request,response}-KEY-VERSION.bin, as written by file_name().
// (Hand-rolled: std::regex trips GCC 12 -Wmaybe-uninitialized under -Werror.)
bool is_capture_file_name(std::string_view name) {
  return skip_digits(name, 5) &&
         (skip_literal(name, "-request-") || skip_literal(name, "-response-")) &&
         skip_digits(name, 1) && skip_literal(name, "-") && skip_digits(name, 1) &&
         name == ".bin";
}

std::string file_name(std::uint64_t sequence, const FrameInfo& info) {
  char name[96];
  std::snprintf(name, sizeof name, "%05llu-%s-%d-%d.bin",
                static_cast<unsigned long long>(sequence), to_string(info.direction).data(),
                static_cast<int>(info.kind.key), static_cast<int>(info.kind.version));
  return name;
}

}  // namespace

std::string_view to_string(Direction direction) noexcept {
  return direction == Direction::request ? "request" : "response";
}

FrameRecorder::FrameRecorder(std::filesystem::path out_dir, int limit_per_client)
    : out_dir_(std::move(out_dir)), limit_per_client_(limit_per_client) {
  std::filesystem::create_directories(out_dir_);
  index_.open(out_dir_ / kIndexName, std::ios::out | std::ios::trunc);
  if (!index_) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot create " + (out_dir_ / kIndexName).string());
  }
  // The index lets a reader pair files without parsing them.
  index_ << "file\tdirection\tapi_key\tapi_version\tcorrelation_id\tclient_id\tconnection\tbytes\n";
}

std::size_t FrameRecorder::remove_previous_capture(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (name == kIndexName || is_capture_file_name(name))) {
      std::filesystem::remove(entry.path());
      ++removed;
    }
  }
  return removed;
}

bool FrameRecorder::record_request(const FrameInfo& info, std::span<const std::byte> frame) {
  const std::scoped_lock lock(mu_);
  ++summary_.frames_seen[index_of(Direction::request)];
  summary_.requests_seen.insert(info.kind);
  int& for_client =
      kept_per_client_[{info.kind.key, info.kind.version, std::string(info.client_id)}];
  int& for_kind = kept_per_kind_[info.kind];
  if (for_client >= limit_per_client_ || for_kind >= kClientsPerKind * limit_per_client_) {
    return false;
  }
  ++for_client;
  ++for_kind;
  write_locked(info, frame);
  summary_.requests_written.insert(info.kind);
  return true;
}

void FrameRecorder::record_response(const FrameInfo& info, std::span<const std::byte> frame,
                                    bool keep) {
  const std::scoped_lock lock(mu_);
  ++summary_.frames_seen[index_of(Direction::response)];
  if (!keep) return;
  write_locked(info, frame);
  summary_.responses_written.insert(info.kind);
}

void FrameRecorder::note_unanswered(ApiKind kind) {
  const std::scoped_lock lock(mu_);
  ++summary_.unanswered_requests;
  summary_.unanswered_kinds.insert(kind);
}

void FrameRecorder::report_problem(std::string problem) {
  const std::scoped_lock lock(mu_);
  if (summary_.problems.size() < kMaxProblems) summary_.problems.push_back(std::move(problem));
}

CaptureSummary FrameRecorder::summary() const {
  const std::scoped_lock lock(mu_);
  return summary_;
}

void FrameRecorder::write_locked(const FrameInfo& info, std::span<const std::byte> frame) {
  const std::uint64_t sequence = next_sequence_++;
  const std::string name = file_name(sequence, info);
  std::ofstream out(out_dir_ / name, std::ios::out | std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(frame.data()),
            static_cast<std::streamsize>(frame.size()));
  out.close();
  if (!out) {
    if (summary_.problems.size() < kMaxProblems) {
      summary_.problems.push_back("failed to write " + (out_dir_ / name).string());
    }
    return;
  }
  ++summary_.frames_written[index_of(info.direction)];
  index_ << name << '\t' << to_string(info.direction) << '\t' << info.kind.key << '\t'
         << info.kind.version << '\t' << info.correlation_id << '\t' << info.client_id << '\t'
         << info.connection_id << '\t' << frame.size() << '\n';
  index_.flush();
  if (!index_ && summary_.problems.size() < kMaxProblems) {
    summary_.problems.push_back("failed to write the index");
  }
}

}  // namespace kgate::capture

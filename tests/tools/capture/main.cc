// kgate-capture-frames: records real Kafka request/response frames by putting
// a relay between librdkafka clients and an in-process mock cluster.
//
//   kgate-capture-frames --out DIR [--seconds N] [--keep N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api_names.h"
#include "common/parse_int.h"
#include "frame_recorder.h"
#include "mock_cluster.h"
#include "relay.h"
#include "watchdog.h"
#include "workloads.h"

namespace kgate::capture {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kExitCaptureFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitWatchdog = 3;
constexpr int kBrokers = 3;
constexpr int kGraceSeconds = 10;

// Every API the librdkafka 2.0.2 mock cluster implements; the workloads are
// built to hit all of them, so a missing one means the capture is broken.
constexpr std::int16_t kExpectedKeys[] = {0,  1,  2,  3,  8,  9,  10, 11, 12,
                                          13, 14, 18, 22, 24, 25, 26, 28};

struct Options {
  std::filesystem::path out;
  int seconds = 20;
  int keep = 2;
};

void print_usage() {
  std::fprintf(stderr,
               "usage: kgate-capture-frames --out DIR [--seconds N] [--keep N]\n"
               "  --out DIR     directory for NNNNN-{request,response}-KEY-VERSION.bin\n"
               "  --seconds N   time budget for the client workloads (5..120, default 20)\n"
               "  --keep N      requests kept per (api key, version, client.id), each with its\n"
               "                response; 4*N per (api key, version) in all (1..10, default 2)\n");
}

using tools::parse_int;

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return false;  // every option takes a value
    const std::string_view value = argv[++i];
    if (arg == "--out") {
      options.out = std::filesystem::path(value);
    } else if (arg == "--seconds") {
      if (!parse_int(value, 5, 120, options.seconds)) return false;
    } else if (arg == "--keep") {
      if (!parse_int(value, 1, 10, options.keep)) return false;
    } else {
      return false;
    }
  }
  return !options.out.empty();
}

// Gives one workload at most cap of the remaining budget, so a stuck one
// cannot starve the others.
WorkloadEnv slice(Relay& relay, const std::string& bootstraps, Clock::time_point deadline,
                  std::chrono::seconds cap) {
  return WorkloadEnv{relay, bootstraps, std::min(deadline, Clock::now() + cap)};
}

// Runs one workload; an exception fails that workload only. Adds its time.
WorkloadReport guarded(const std::string& name, const std::function<WorkloadReport()>& workload) {
  const auto start = Clock::now();
  WorkloadReport report;
  try {
    report = workload();
  } catch (const std::exception& e) {
    report = WorkloadReport{name, Outcome::failed, e.what()};
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  report.name += " [" + std::to_string(elapsed.count()) + " ms]";
  return report;
}

std::vector<WorkloadReport> run_workloads(Relay& relay, const std::string& bootstraps,
                                          Clock::time_point deadline) {
  using std::chrono::seconds;
  std::vector<WorkloadReport> reports;
  int produced = 0;
  // ~200 messages: half uncompressed, the rest split over two codecs.
  for (const ProduceSpec& spec :
       {ProduceSpec{"none", 100}, ProduceSpec{"lz4", 50}, ProduceSpec{"gzip", 50}}) {
    int delivered = 0;
    reports.push_back(guarded("producer " + spec.codec, [&] {
      return produce_idempotent(slice(relay, bootstraps, deadline, seconds(6)), spec, delivered);
    }));
    produced += delivered;
  }
  reports.push_back(guarded("consumer group", [&] {
    return consume_group(slice(relay, bootstraps, deadline, seconds(12)), produced);
  }));
  reports.push_back(guarded("transactions", [&] {
    return run_transactions(slice(relay, bootstraps, deadline, seconds(8)));
  }));
  reports.push_back(guarded("read_committed", [&] {
    return read_transactions(slice(relay, bootstraps, deadline, seconds(5)));
  }));
  reports.push_back(guarded("admin", [&] {
    return run_admin(slice(relay, bootstraps, deadline, seconds(10)));
  }));
  return reports;
}

const char* outcome_label(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::skipped: return "skipped";
    case Outcome::failed: return "FAILED";
  }
  return "?";
}

std::string describe(ApiKind kind) {
  return std::string(api_name(kind.key)) + "(" + std::to_string(kind.key) + ") v" +
         std::to_string(kind.version);
}

void print_reports(const std::vector<WorkloadReport>& reports) {
  std::printf("workloads:\n");
  for (const auto& report : reports) {
    std::printf("  %-7s %s\n", outcome_label(report.outcome), report.name.c_str());
    std::size_t start = 0;
    while (start < report.detail.size()) {
      const std::size_t end = std::min(report.detail.find('\n', start), report.detail.size());
      std::printf("            %s\n", report.detail.substr(start, end - start).c_str());
      start = end + 1;
    }
  }
}

void print_summary(const CaptureSummary& summary, std::uint64_t connections) {
  constexpr auto req = static_cast<std::size_t>(Direction::request);
  constexpr auto resp = static_cast<std::size_t>(Direction::response);
  std::printf("connections relayed: %llu\n", static_cast<unsigned long long>(connections));
  std::printf("frames seen:    %llu requests, %llu responses\n",
              static_cast<unsigned long long>(summary.frames_seen[req]),
              static_cast<unsigned long long>(summary.frames_seen[resp]));
  std::printf("frames written: %llu requests, %llu responses\n",
              static_cast<unsigned long long>(summary.frames_written[req]),
              static_cast<unsigned long long>(summary.frames_written[resp]));
  if (summary.unanswered_requests > 0) {
    std::string kinds;
    for (const ApiKind kind : summary.unanswered_kinds) kinds += " " + describe(kind);
    std::printf("requests the broker never answered: %llu (%s )\n",
                static_cast<unsigned long long>(summary.unanswered_requests), kinds.c_str());
  }
  std::printf("captured (key, version) pairs:\n");
  std::set<std::int16_t> keys;
  for (const ApiKind kind : summary.requests_written) {
    keys.insert(kind.key);
    const bool answered = summary.responses_written.contains(kind);
    std::printf("  %3d v%-2d %-20s request%s\n", kind.key, kind.version,
                std::string(api_name(kind.key)).c_str(), answered ? " + response" : " only");
  }
  std::printf("distinct request api keys: %zu\n", keys.size());
}

// Reasons the capture must not be trusted; empty when it is fine.
std::vector<std::string> verdict(const CaptureSummary& summary,
                                 const std::vector<WorkloadReport>& reports) {
  std::vector<std::string> reasons;
  constexpr auto req = static_cast<std::size_t>(Direction::request);
  constexpr auto resp = static_cast<std::size_t>(Direction::response);
  if (summary.frames_written[req] == 0 || summary.frames_written[resp] == 0) {
    reasons.push_back("no frames captured in at least one direction");
  }
  std::set<std::int16_t> request_keys;
  std::set<std::int16_t> response_keys;
  for (const ApiKind kind : summary.requests_written) request_keys.insert(kind.key);
  for (const ApiKind kind : summary.responses_written) response_keys.insert(kind.key);
  for (const std::int16_t key : kExpectedKeys) {
    if (!request_keys.contains(key) || !response_keys.contains(key)) {
      reasons.push_back("no request/response pair for " + std::string(api_name(key)) + " (" +
                        std::to_string(key) + ")");
    }
  }
  for (const auto& problem : summary.problems) reasons.push_back(problem);
  for (const auto& report : reports) {
    if (report.outcome == Outcome::failed) reasons.push_back("workload failed: " + report.name);
  }
  return reasons;
}

int run(const Options& options) {
  // Workloads get the budget; setup and teardown a fixed grace period on top
  // (the default run is thereby bounded by 30 s; it normally takes ~10).
  const Watchdog watchdog(std::chrono::seconds(options.seconds + kGraceSeconds), kExitWatchdog);
  const std::size_t removed = FrameRecorder::remove_previous_capture(options.out);
  FrameRecorder recorder(options.out, options.keep);

  MockCluster cluster(kBrokers);
  cluster.create_topic(kTopic, kTopicPartitions, 3);
  cluster.create_topic(kTxnTopic, kTxnTopicPartitions, 3);

  std::vector<WorkloadReport> reports;
  std::uint64_t connections = 0;
  {
    Relay relay(recorder);
    const auto deadline = Clock::now() + std::chrono::seconds(options.seconds);
    reports = run_workloads(relay, cluster.bootstraps(), deadline);
    // Every client is destroyed by now; end whatever sessions remain.
    relay.stop();
    connections = relay.connections();
  }

  const CaptureSummary summary = recorder.summary();
  std::printf("kgate-capture-frames: output in %s", options.out.string().c_str());
  if (removed > 0) std::printf(" (removed %zu files of an earlier run)", removed);
  std::printf("\n");
  print_reports(reports);
  print_summary(summary, connections);

  const auto reasons = verdict(summary, reports);
  if (reasons.empty()) return 0;
  std::fprintf(stderr, "kgate-capture-frames: CAPTURE FAILED:\n");
  for (const auto& reason : reasons) std::fprintf(stderr, "  - %s\n", reason.c_str());
  return kExitCaptureFailed;
}

}  // namespace
}  // namespace kgate::capture

int main(int argc, char** argv) {
  kgate::capture::Options options;
  if (!kgate::capture::parse_options(argc, argv, options)) {
    kgate::capture::print_usage();
    return kgate::capture::kExitUsage;
  }
  try {
    return kgate::capture::run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kgate-capture-frames: %s\n", e.what());
    return kgate::capture::kExitCaptureFailed;
  }
}

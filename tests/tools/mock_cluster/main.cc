// kgate-mock-cluster: runs librdkafka's mock cluster as a standalone process
// for the gateway's tests and demo, with a line-based control channel for
// injecting faults (leader moves, broker outages, latency) while clients run.
//
//   kgate-mock-cluster [--brokers N] [--topic NAME:PARTITIONS[:REPLICATION]]...
//                      [--seconds S] [--ready-file PATH] [--control-port-file PATH]

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "atomic_file.h"
#include "broker_list.h"
#include "command.h"
#include "control_server.h"
#include "mock_cluster.h"
#include "options.h"
#include "stop_signals.h"

namespace kgate::mockcluster {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// Startup and teardown get this long; past it SIGALRM's default action ends
// the process, so it can never outlive its budget (librdkafka teardown can hang).
constexpr unsigned kGraceSeconds = 20;

void create_topics(MockCluster& cluster, const Options& options) {
  const int mock_replicas = std::min(3, options.brokers);
  for (const TopicSpec& topic : options.topics) {
    cluster.create_topic(topic.name, topic.partitions, topic.replication);
    if (topic.replication != mock_replicas) {
      std::fprintf(stderr,
                   "kgate-mock-cluster: note: topic %s: the librdkafka mock ignores the "
                   "replication factor (%d) and gives each partition %d replica(s)\n",
                   topic.name.c_str(), topic.replication, mock_replicas);
    }
  }
}

const char* describe(StopReason reason) {
  switch (reason) {
    case StopReason::deadline: return "--seconds elapsed";
    case StopReason::stop_fd: return "signal";
    case StopReason::quit_command: return "quit command";
  }
  return "?";
}

int serve(const Options& options) {
  ::alarm(static_cast<unsigned>(options.seconds) + kGraceSeconds);
  // Before the mock starts its threads, so they inherit the blocked mask.
  StopSignals signals;

  MockCluster cluster(options.brokers);
  create_topics(cluster, options);
  const std::string bootstraps = cluster.bootstraps();
  std::vector<BrokerAddress> brokers = brokers_from_bootstraps(bootstraps);
  if (static_cast<int>(brokers.size()) != options.brokers) {
    std::fprintf(stderr, "kgate-mock-cluster: unexpected bootstrap list '%s'\n",
                 bootstraps.c_str());
    return kExitFailure;
  }

  CommandRunner runner(cluster, std::move(brokers));
  ControlServer server(runner);
  // Port file, then ready file, then stdout: whichever a script waits for,
  // everything before it is in place, and a failed write announces nothing.
  if (!options.control_port_file.empty()) {
    write_file_atomically(options.control_port_file, std::to_string(server.port()) + "\n");
  }
  if (!options.ready_file.empty()) write_file_atomically(options.ready_file, bootstraps + "\n");
  std::printf("bootstrap=%s\n", bootstraps.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "kgate-mock-cluster: %d broker(s), control port %u, up for %d s\n",
               options.brokers, static_cast<unsigned>(server.port()), options.seconds);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.seconds);
  const StopReason reason = server.run(deadline, signals.fd());
  if (reason == StopReason::stop_fd) {
    const int signo = signals.take();
    std::fprintf(stderr, "kgate-mock-cluster: stopping on %s\n",
                 signo != 0 ? ::strsignal(signo) : "signal");
  } else {
    std::fprintf(stderr, "kgate-mock-cluster: stopping: %s\n", describe(reason));
  }
  ::alarm(kGraceSeconds);
  return 0;  // server, runner, then cluster (before its handle) are destroyed here
}

}  // namespace
}  // namespace kgate::mockcluster

int main(int argc, char** argv) {
  using namespace kgate::mockcluster;
  const ParseResult parsed = parse_options(argc, argv);
  if (!parsed.options) {
    if (!parsed.error.empty()) {
      std::fprintf(stderr, "kgate-mock-cluster: %s\n", parsed.error.c_str());
    }
    print_usage();
    return parsed.error.empty() ? 0 : kExitUsage;
  }
  // A control client or Kafka client vanishing mid-write must not kill the cluster.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return serve(*parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kgate-mock-cluster: %s\n", e.what());
    return kExitFailure;
  }
}

// What the producer and the consumers share: librdkafka configuration from a list of
// settings, and an event callback routing statistics to a StatsChecker and counting errors.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "e2e_stats.h"

namespace kgate::e2e {

using Settings = std::vector<std::pair<std::string, std::string>>;

// Throws std::runtime_error naming the setting librdkafka rejected.
std::unique_ptr<RdKafka::Conf> make_conf(const Settings& settings);
void set_callback(RdKafka::Conf& conf, const std::string& name, RdKafka::EventCb* cb);
// A producer from `conf` reporting deliveries to `reports`; throws naming what failed.
std::unique_ptr<RdKafka::Producer> make_producer(RdKafka::Conf& conf, RdKafka::DeliveryReportCb& reports);

class ClientEvents : public RdKafka::EventCb {
 public:
  ClientEvents(std::string name, StatsChecker& stats) : name_(std::move(name)), stats_(stats) {}

  void event_cb(RdKafka::Event& event) override;

  int errors() const { return errors_.load(); }
  bool fatal() const { return fatal_.load(); }
  std::string first_error() const;

 private:
  const std::string name_;
  StatsChecker& stats_;
  std::atomic<int> errors_{0};
  std::atomic<bool> fatal_{false};
  std::atomic<int> printed_{0};
  mutable std::mutex mutex_;
  std::string first_error_;
};

}  // namespace kgate::e2e

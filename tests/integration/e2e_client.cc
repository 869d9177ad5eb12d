#include "e2e_client.h"

#include <cstdio>
#include <stdexcept>

namespace kgate::e2e {
namespace {

// librdkafka's warnings go to stderr for the logs kept on failure, but a fault scenario
// can produce thousands of reconnect messages: only the first ones are printed.
constexpr int kMaxPrinted = 40;

}  // namespace

std::unique_ptr<RdKafka::Conf> make_conf(const Settings& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      throw std::runtime_error("setting " + name + "=" + value + ": " + error);
    }
  }
  return conf;
}

void set_callback(RdKafka::Conf& conf, const std::string& name, RdKafka::EventCb* cb) {
  std::string error;
  if (conf.set(name, cb, error) != RdKafka::Conf::CONF_OK) throw std::runtime_error(name + ": " + error);
}

std::unique_ptr<RdKafka::Producer> make_producer(RdKafka::Conf& conf, RdKafka::DeliveryReportCb& reports) {
  std::string error;
  if (conf.set("dr_cb", &reports, error) != RdKafka::Conf::CONF_OK) throw std::runtime_error("dr_cb: " + error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(&conf, error));
  if (!producer) throw std::runtime_error("creating the producer: " + error);
  return producer;
}

void ClientEvents::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_STATS:
      stats_.check(event.str());
      return;
    case RdKafka::Event::EVENT_ERROR: {
      ++errors_;
      if (event.fatal()) fatal_ = true;
      const std::string text = RdKafka::err2str(event.err()) + ": " + event.str();
      {
        std::lock_guard lock(mutex_);
        if (first_error_.empty()) first_error_ = text;
      }
      if (printed_++ < kMaxPrinted) std::fprintf(stderr, "%s: error%s: %s\n", name_.c_str(), event.fatal() ? " (fatal)" : "", text.c_str());
      return;
    }
    case RdKafka::Event::EVENT_LOG:
      if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING && printed_++ < kMaxPrinted) {
        std::fprintf(stderr, "%s: log %s: %s\n", name_.c_str(), event.fac().c_str(), event.str().c_str());
      }
      return;
    default:
      return;
  }
}

std::string ClientEvents::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

}  // namespace kgate::e2e

// RAII handles for the librdkafka C API and a client whose every connection
// goes through the recording relay.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "relay.h"

namespace kgate::capture {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_error_t* error) const noexcept { rd_kafka_error_destroy(error); }
  void operator()(rd_kafka_event_t* event) const noexcept { rd_kafka_event_destroy(event); }
  void operator()(rd_kafka_queue_t* queue) const noexcept { rd_kafka_queue_destroy(queue); }
  void operator()(rd_kafka_message_t* message) const noexcept { rd_kafka_message_destroy(message); }
  void operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
    rd_kafka_topic_partition_list_destroy(list);
  }
  void operator()(rd_kafka_AdminOptions_t* options) const noexcept {
    rd_kafka_AdminOptions_destroy(options);
  }
  void operator()(rd_kafka_consumer_group_metadata_t* metadata) const noexcept {
    rd_kafka_consumer_group_metadata_destroy(metadata);
  }
};

template <typename T>
using KafkaPtr = std::unique_ptr<T, KafkaDeleter>;

using Settings = std::vector<std::pair<std::string, std::string>>;

// Message of a librdkafka error object (which is consumed); empty for null.
[[nodiscard]] std::string take_error(rd_kafka_error_t* error);

// Whether this librdkafka build accepts compression.codec=codec.
[[nodiscard]] bool codec_supported(const std::string& codec);

// Log callback that prints only errors and worse, to keep the output short.
void install_quiet_logging(rd_kafka_conf_t* conf);

// A producer or consumer handle plus the state its callbacks use (reached
// through the conf opaque, so the object never moves).
class KafkaClient {
 public:
  // Throws std::runtime_error for an invalid setting or a failed rd_kafka_new.
  KafkaClient(rd_kafka_type_t type, Relay& relay, std::string client_id,
              const std::string& bootstraps, const Settings& settings);
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;
  ~KafkaClient() = default;  // rd_kafka_destroy closes a consumer first

  [[nodiscard]] rd_kafka_t* get() const noexcept { return handle_.get(); }
  [[nodiscard]] const std::string& client_id() const noexcept { return client_id_; }
  [[nodiscard]] int delivered() const noexcept { return delivered_.load(); }
  [[nodiscard]] int delivery_failures() const noexcept { return delivery_failures_.load(); }

 private:
  static int on_connect(int sockfd, const struct sockaddr* addr, int addrlen, const char* id,
                        void* opaque);
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  Relay& relay_;
  const std::string client_id_;
  std::atomic<int> delivered_{0};
  std::atomic<int> delivery_failures_{0};
  KafkaPtr<rd_kafka_t> handle_;  // last: destroyed first, while the rest is alive
};

}  // namespace kgate::capture

// In-process librdkafka mock cluster (brokers listen on 127.0.0.1).
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

#include "kafka_client.h"

namespace kgate::capture {

class MockCluster {
 public:
  // Throws std::runtime_error.
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  void create_topic(const std::string& name, int partitions, int replication_factor);
  [[nodiscard]] std::string bootstraps() const;

 private:
  // The mock needs a handle for bookkeeping; this one never connects anywhere.
  KafkaPtr<rd_kafka_t> owner_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace kgate::capture

// librdkafka's in-process mock cluster (brokers 1..N on 127.0.0.1) and the
// fault-injection calls the control channel exposes. Every method may be
// called from any thread: the mock serialises them through its own op queue.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <memory>
#include <string>

namespace kgate::mockcluster {

class MockCluster {
 public:
  // Throws std::runtime_error.
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // Throws std::runtime_error (e.g. the topic already exists).
  void create_topic(const std::string& name, int partitions, int replication);

  [[nodiscard]] std::string bootstraps() const;
  [[nodiscard]] int broker_count() const noexcept { return brokers_; }

  // broker_id -1 makes the partition leaderless. Creates unknown topics (mock behaviour).
  [[nodiscard]] rd_kafka_resp_err_t set_leader(const std::string& topic, std::int32_t partition,
                                               std::int32_t broker_id);
  // key_type is "group" or "transaction"; broker_id need not exist.
  [[nodiscard]] rd_kafka_resp_err_t set_coordinator(const std::string& key_type,
                                                    const std::string& key,
                                                    std::int32_t broker_id);
  // For these three, broker_id -1 means every broker.
  [[nodiscard]] rd_kafka_resp_err_t set_broker_down(std::int32_t broker_id);
  [[nodiscard]] rd_kafka_resp_err_t set_broker_up(std::int32_t broker_id);
  [[nodiscard]] rd_kafka_resp_err_t set_broker_rtt(std::int32_t broker_id, int rtt_ms);

 private:
  struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
  };

  int brokers_;
  // Only for the mock's bookkeeping (and its log output); never connects anywhere.
  std::unique_ptr<rd_kafka_t, HandleDeleter> owner_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace kgate::mockcluster

#include "mock_cluster.h"

#include <stdexcept>

namespace kgate::mockcluster {
namespace {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};

void set_or_throw(rd_kafka_conf_t* conf, const char* name, const char* value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(std::string(name) + ": " + errstr);
  }
}

}  // namespace

MockCluster::MockCluster(int brokers) : brokers_(brokers) {
  std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
  set_or_throw(conf.get(), "client.id", "kgate-mock-cluster");
  // Warnings and worse only: the owner handle's "no bootstrap.servers" notice is noise.
  set_or_throw(conf.get(), "log_level", "4");
  char errstr[512];
  owner_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!owner_) throw std::runtime_error(std::string("rd_kafka_new: ") + errstr);
  (void)conf.release();  // rd_kafka_new took ownership on success

  cluster_ = rd_kafka_mock_cluster_new(owner_.get(), brokers);
  if (cluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
}

MockCluster::~MockCluster() {
  // The cluster thread uses the owner handle, so it must be gone first.
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

void MockCluster::create_topic(const std::string& name, int partitions, int replication) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("creating topic " + name + ": " + rd_kafka_err2str(err));
  }
}

std::string MockCluster::bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

rd_kafka_resp_err_t MockCluster::set_leader(const std::string& topic, std::int32_t partition,
                                            std::int32_t broker_id) {
  return rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker_id);
}

rd_kafka_resp_err_t MockCluster::set_coordinator(const std::string& key_type,
                                                 const std::string& key, std::int32_t broker_id) {
  return rd_kafka_mock_coordinator_set(cluster_, key_type.c_str(), key.c_str(), broker_id);
}

rd_kafka_resp_err_t MockCluster::set_broker_down(std::int32_t broker_id) {
  return rd_kafka_mock_broker_set_down(cluster_, broker_id);
}

rd_kafka_resp_err_t MockCluster::set_broker_up(std::int32_t broker_id) {
  return rd_kafka_mock_broker_set_up(cluster_, broker_id);
}

rd_kafka_resp_err_t MockCluster::set_broker_rtt(std::int32_t broker_id, int rtt_ms) {
  return rd_kafka_mock_broker_set_rtt(cluster_, broker_id, rtt_ms);
}

}  // namespace kgate::mockcluster

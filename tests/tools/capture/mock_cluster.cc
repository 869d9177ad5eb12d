#include "mock_cluster.h"

#include <stdexcept>

namespace kgate::capture {

MockCluster::MockCluster(int brokers) {
  KafkaPtr<rd_kafka_conf_t> conf(rd_kafka_conf_new());
  install_quiet_logging(conf.get());
  char errstr[512];
  if (rd_kafka_conf_set(conf.get(), "client.id", "kgate-capture-mock", errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    throw std::runtime_error(errstr);
  }
  owner_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!owner_) throw std::runtime_error(std::string("rd_kafka_new for the mock: ") + errstr);
  (void)conf.release();  // owned by the handle now

  cluster_ = rd_kafka_mock_cluster_new(owner_.get(), brokers);
  if (cluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
}

MockCluster::~MockCluster() {
  // Brokers first: the cluster uses the owner handle until it is gone.
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

void MockCluster::create_topic(const std::string& name, int partitions, int replication_factor) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("mock topic " + name + ": " + rd_kafka_err2str(err));
  }
}

std::string MockCluster::bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

}  // namespace kgate::capture

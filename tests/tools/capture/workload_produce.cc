#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "kafka_client.h"
#include "produce_args.h"
#include "workloads.h"

namespace kgate::capture {

WorkloadReport produce_idempotent(const WorkloadEnv& env, const ProduceSpec& spec,
                                  int& delivered) {
  WorkloadReport report{"idempotent producer, compression " + spec.codec, Outcome::failed, ""};
  delivered = 0;
  if (!codec_supported(spec.codec)) {
    report.outcome = Outcome::skipped;
    report.detail = "codec not built into librdkafka";
    return report;
  }
  KafkaClient producer(RD_KAFKA_PRODUCER, env.relay, "kgate-capture-producer-" + spec.codec,
                       env.bootstraps,
                       {{"enable.idempotence", "true"},
                        {"acks", "all"},
                        {"compression.codec", spec.codec},
                        {"linger.ms", "20"},
                        // Small batches: several Produce requests per run.
                        {"batch.num.messages", "25"}});

  int queued = 0;
  for (int i = 0; i < spec.messages && !env.expired(); ++i) {
    // Some keyless messages and a tombstone, so records vary.
    const bool has_key = i % 10 != 9;
    const bool has_value = i % 17 != 16;
    const std::string key = "key-" + std::to_string(i);
    // Repetitive text so compression has something to do.
    std::string value = "message " + std::to_string(i) + " from the " + spec.codec + " producer;";
    for (int r = 0; r < 3; ++r) value += " kgate golden frame capture";
    const std::string sequence = std::to_string(i);

    std::vector<rd_kafka_vu_t> vus{vu_topic(kTopic), vu_copy_flag()};
    // A quarter go to an explicit partition, the rest through the partitioner.
    if (i % 4 == 0) vus.push_back(vu_partition((i / 4) % kTopicPartitions));
    if (has_key) vus.push_back(vu_bytes(RD_KAFKA_VTYPE_KEY, key));
    if (has_value) vus.push_back(vu_bytes(RD_KAFKA_VTYPE_VALUE, value));
    vus.push_back(vu_header("kgate-seq", &sequence));
    vus.push_back(vu_header("kgate-codec", &spec.codec));
    if (i % 5 == 0) vus.push_back(vu_header("kgate-null", nullptr));

    for (;;) {
      rd_kafka_error_t* error = rd_kafka_produceva(producer.get(), vus.data(), vus.size());
      if (error == nullptr) {
        ++queued;
        break;
      }
      if (rd_kafka_error_code(error) != RD_KAFKA_RESP_ERR__QUEUE_FULL || env.expired()) {
        report.detail = "produce: " + take_error(error);
        return report;
      }
      rd_kafka_error_destroy(error);
      rd_kafka_poll(producer.get(), 10);
    }
    rd_kafka_poll(producer.get(), 0);
  }
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(producer.get(), env.budget_ms(10000));
  delivered = producer.delivered();
  report.detail = std::to_string(delivered) + "/" + std::to_string(spec.messages) + " delivered";
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    report.detail += std::string(", flush: ") + rd_kafka_err2str(flushed);
  }
  if (producer.delivery_failures() > 0) {
    report.detail += ", " + std::to_string(producer.delivery_failures()) + " failed";
  }
  report.outcome = delivered == spec.messages ? Outcome::ok : Outcome::failed;
  return report;
}

}  // namespace kgate::capture

#include "kafka_client.h"

#include <cstdio>
#include <stdexcept>

namespace kgate::capture {
namespace {

constexpr int kLogErrorLevel = 3;  // syslog LOG_ERR

void quiet_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  if (level > kLogErrorLevel) return;
  std::fprintf(stderr, "librdkafka [%s] %s: %s\n", rd_kafka_name(rk), facility, message);
}

void set_or_throw(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    throw std::runtime_error(errstr);
  }
}

}  // namespace

std::string take_error(rd_kafka_error_t* error) {
  if (error == nullptr) return {};
  const KafkaPtr<rd_kafka_error_t> owned(error);
  return rd_kafka_error_string(error);
}

bool codec_supported(const std::string& codec) {
  const KafkaPtr<rd_kafka_conf_t> conf(rd_kafka_conf_new());
  char errstr[512];
  return rd_kafka_conf_set(conf.get(), "compression.codec", codec.c_str(), errstr,
                           sizeof errstr) == RD_KAFKA_CONF_OK;
}

void install_quiet_logging(rd_kafka_conf_t* conf) {
  set_or_throw(conf, "log_level", std::to_string(kLogErrorLevel));
  rd_kafka_conf_set_log_cb(conf, quiet_log);
}

KafkaClient::KafkaClient(rd_kafka_type_t type, Relay& relay, std::string client_id,
                         const std::string& bootstraps, const Settings& settings)
    : relay_(relay), client_id_(std::move(client_id)) {
  KafkaPtr<rd_kafka_conf_t> conf(rd_kafka_conf_new());
  install_quiet_logging(conf.get());
  set_or_throw(conf.get(), "bootstrap.servers", bootstraps);
  set_or_throw(conf.get(), "client.id", client_id_);
  // The relay adds a hop; keep failures fast so workloads stay bounded.
  set_or_throw(conf.get(), "socket.connection.setup.timeout.ms", "5000");
  set_or_throw(conf.get(), "reconnect.backoff.ms", "50");
  set_or_throw(conf.get(), "reconnect.backoff.max.ms", "500");
  for (const auto& [name, value] : settings) set_or_throw(conf.get(), name, value);

  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_connect_cb(conf.get(), on_connect);
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);

  char errstr[512];
  // rd_kafka_new takes the conf only on success.
  handle_.reset(rd_kafka_new(type, conf.get(), errstr, sizeof errstr));
  if (!handle_) throw std::runtime_error(client_id_ + ": rd_kafka_new: " + errstr);
  (void)conf.release();
}

int KafkaClient::on_connect(int sockfd, const struct sockaddr* addr, int addrlen,
                            const char* /*id*/, void* opaque) {
  auto* self = static_cast<KafkaClient*>(opaque);
  return self->relay_.connect_client(sockfd, addr, static_cast<socklen_t>(addrlen));
}

void KafkaClient::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                              void* opaque) {
  auto* self = static_cast<KafkaClient*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->delivered_;
  } else {
    ++self->delivery_failures_;
  }
}

void KafkaClient::on_error(rd_kafka_t* rk, int err, const char* /*reason*/, void* opaque) {
  auto* self = static_cast<KafkaClient*>(opaque);
  // Without this callback librdkafka logs every transient error (brokers
  // going away at shutdown, ...); the workloads report what matters, so only
  // fatal errors deserve a line here.
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    std::fprintf(stderr, "%s: fatal error: %s\n", self->client_id_.c_str(), fatal);
  }
}

}  // namespace kgate::capture

#pragma once
// Client-side broker port mapping for benchmarks through a plain TCP proxy.
//
// A TCP proxy (HAProxy) does not rewrite Metadata, so clients would learn the brokers' own
// addresses and go around it. Real deployments fix that on the broker (advertised.listeners);
// librdkafka's mock brokers cannot advertise another port, so the client does it instead:
// every connection to 127.0.0.1:FROM is made to 127.0.0.1:TO. Only connect() is redirected,
// once per connection; requests and responses are untouched.
#include <librdkafka/rdkafka.h>

#include <string_view>

namespace kgate::bench {

// Parses "FROM=TO,FROM=TO..." and installs the mapping on conf (process-wide: one mapping per
// tool run). False, with a message on stderr, for a malformed list. An empty list maps nothing.
bool install_port_map(rd_kafka_conf_t* conf, std::string_view spec);

}  // namespace kgate::bench

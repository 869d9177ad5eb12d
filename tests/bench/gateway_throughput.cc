// kgate-throughput-bench: produce or consume N fixed-size records through one bootstrap address
// (a broker, or kgate in front of it) as fast as librdkafka allows, and print one JSON line.
//
//   kgate-throughput-bench --bootstrap HOST:PORT --topic T --messages N --size BYTES
//                          --mode produce|consume [--seconds MAX] [--map-ports FROM=TO,...]
//                          [--ssl-ca CA.pem]
//
// --map-ports sends every connection for 127.0.0.1:FROM to port TO instead (see port_map.h).
// --ssl-ca speaks TLS to every broker (kgate with tls-certificate), trusting that CA.
//
// Exit 0 with {"mode":..,"messages":N,"bytes":B,"seconds":S,"mb_per_s":X} on stdout (MB = 10^6
// bytes); 1 on any client error, a record of the wrong size, or MAX seconds passing; 2 on usage.
//
// Consume mode starts every partition at its log start and, at the end of a partition's log,
// goes back to that start: librdkafka's mock broker keeps only ~5 MiB per partition, so N
// records are read even when fewer are retained.
#include <librdkafka/rdkafka.h>

#include "option_pairs.h"
#include "port_map.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using kgate::bench::parse_number;

struct Options {
    std::string bootstrap;
    std::string topic;
    long long messages = 0;
    long long size = 0;
    std::string mode;
    int seconds = 300;
    std::string map_ports;
    std::string ssl_ca;  // with a CA file: TLS to the bootstrap address and every broker it names
};

// Shared with librdkafka's callbacks through the configuration's opaque pointer.
struct Counters {
    int client_errors = 0;  // any fails the run: a benchmark that reconnects measures something else
    long long delivered = 0;
    long long failed = 0;
};

struct Outcome {
    bool ok = false;
    double seconds = 0;
    long long bytes = 0;
};

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view arg = argv[i];
        const std::string_view value = argv[i + 1];
        bool ok = true;
        if (arg == "--bootstrap") o.bootstrap = value;
        else if (arg == "--topic") o.topic = value;
        else if (arg == "--messages") ok = parse_number(value, 1LL, 1'000'000'000LL, o.messages);
        else if (arg == "--size") ok = parse_number(value, 1LL, 16LL << 20, o.size);
        else if (arg == "--mode") o.mode = value;
        else if (arg == "--seconds") ok = parse_number(value, 1, 86'400, o.seconds);
        else if (arg == "--map-ports") o.map_ports = value;
        else if (arg == "--ssl-ca") o.ssl_ca = value;
        else ok = false;
        if (!ok) {
            std::fprintf(stderr, "kgate-throughput-bench: bad option %s %s\n", argv[i], argv[i + 1]);
            return std::nullopt;
        }
    }
    if (argc % 2 == 0 || o.bootstrap.empty() || o.topic.empty() || o.messages == 0 || o.size == 0 ||
        (o.mode != "produce" && o.mode != "consume")) {
        return std::nullopt;
    }
    return o;
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(left, 0));
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Counters*>(opaque)->client_errors++;
    std::fprintf(stderr, "kgate-throughput-bench: client error %s: %s\n",
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* c = static_cast<Counters*>(opaque);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        c->delivered++;
    } else if (c->failed++ == 0) {
        std::fprintf(stderr, "kgate-throughput-bench: delivery failed: %s\n", rd_kafka_err2str(m->err));
    }
}

// Takes ownership of conf. Settings are key/value pairs; a rejected one names itself.
rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf, const Options& o,
                        std::vector<std::pair<const char*, std::string>> settings, Counters& counters) {
    char error[512];
    if (!kgate::bench::install_port_map(conf, o.map_ports)) {
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    if (!o.ssl_ca.empty()) {
        settings.emplace_back("security.protocol", "ssl");
        settings.emplace_back("ssl.ca.location", o.ssl_ca);
    }
    for (const auto& [key, value] : settings) {
        if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "kgate-throughput-bench: %s=%s: %s\n", key, value.c_str(), error);
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_opaque(conf, &counters);
    rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);
    if (rk == nullptr) {
        std::fprintf(stderr, "kgate-throughput-bench: %s\n", error);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

// Asked before the clock starts, so connecting and the first metadata round trip are not measured.
int partition_count(rd_kafka_t* rk, const std::string& topic, Clock::time_point deadline) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const auto err = rd_kafka_metadata(rk, 0, handle, &md, remaining_ms(deadline));
    int count = -1;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kgate-throughput-bench: metadata: %s\n", rd_kafka_err2str(err));
    } else if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kgate-throughput-bench: topic %s: %s\n", topic.c_str(),
                     md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "not in metadata");
    } else {
        count = md->topics[0].partition_cnt;
    }
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(handle);
    return count;
}

Outcome produce(const Options& o, Clock::time_point deadline) {
    Counters counters;
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    // message.max.bytes caps a whole batch too, so it must exceed batch.size for 1 MiB batches.
    rd_kafka_t* rk = make_client(RD_KAFKA_PRODUCER, conf, o,
                                 {{"bootstrap.servers", o.bootstrap},
                                  {"acks", "1"},
                                  {"linger.ms", "5"},
                                  {"batch.size", "1048576"},
                                  {"message.max.bytes", "2097152"},
                                  {"compression.type", "none"},
                                  {"queue.buffering.max.messages", "1000000"},
                                  {"message.timeout.ms", std::to_string(o.seconds * 1000LL)}},
                                 counters);
    if (rk == nullptr) return {};
    Outcome out;
    // One buffer for every record, handed over without a copy: the client is measured, not memcpy.
    std::vector<char> payload(static_cast<std::size_t>(o.size), 'k');
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
    bool failed = partition_count(rk, o.topic, deadline) <= 0;
    const auto start = Clock::now();
    for (long long sent = 0; sent < o.messages && !failed;) {
        // rd_kafka_produce(), not producev(): producev's macros are GNU statement expressions,
        // which clang rejects under -Wpedantic.
        const int status = rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, payload.data(), payload.size(), nullptr,
                                            0, nullptr);
        const auto err = status == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error();
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            sent++;
            rd_kafka_poll(rk, 0);
        } else if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(rk, 10);
        } else {
            std::fprintf(stderr, "kgate-throughput-bench: produce: %s\n", rd_kafka_err2str(err));
            failed = true;
        }
        if (Clock::now() > deadline) failed = true;
    }
    while (!failed && counters.delivered + counters.failed < o.messages && remaining_ms(deadline) > 0) {
        rd_kafka_flush(rk, 100);
    }
    out.seconds = since(start);
    out.bytes = counters.delivered * o.size;
    out.ok = !failed && counters.delivered == o.messages && counters.client_errors == 0;
    if (counters.delivered != o.messages) {
        std::fprintf(stderr, "kgate-throughput-bench: %lld of %lld records delivered, %lld failed\n", counters.delivered,
                     o.messages, counters.failed);
    }
    // Whatever is left (after a failure) is dropped rather than waited for.
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(rk);
    return out;
}

// Each partition's log start, or -1 for a partition with nothing in it.
std::vector<std::int64_t> log_starts(rd_kafka_t* rk, const std::string& topic, int partitions,
                                     Clock::time_point deadline) {
    std::vector<std::int64_t> starts(static_cast<std::size_t>(partitions), -1);
    for (int p = 0; p < partitions; ++p) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        const auto err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, remaining_ms(deadline));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "kgate-throughput-bench: offsets of %s [%d]: %s\n", topic.c_str(), p, rd_kafka_err2str(err));
            return {};
        }
        if (high > low) starts[static_cast<std::size_t>(p)] = low;
    }
    return starts;
}

bool assign_at(rd_kafka_t* rk, const std::string& topic, const std::vector<std::int64_t>& starts) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(starts.size()));
    for (std::size_t p = 0; p < starts.size(); ++p) {
        if (starts[p] >= 0) rd_kafka_topic_partition_list_add(list, topic.c_str(), static_cast<int>(p))->offset = starts[p];
    }
    if (list->cnt == 0) {
        std::fprintf(stderr, "kgate-throughput-bench: topic %s has no records to read\n", topic.c_str());
        rd_kafka_topic_partition_list_destroy(list);
        return false;
    }
    const auto err = rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kgate-throughput-bench: assign %s: %s\n", topic.c_str(), rd_kafka_err2str(err));
    }
    return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void rewind(rd_kafka_t* rk, const std::string& topic, std::int32_t partition, std::int64_t offset) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = offset;
    // Asynchronous (timeout 0): a partition at its end has nothing prefetched to throw away.
    if (rd_kafka_error_t* error = rd_kafka_seek_partitions(rk, list, 0)) rd_kafka_error_destroy(error);
    rd_kafka_topic_partition_list_destroy(list);
}

Outcome consume(const Options& o, Clock::time_point deadline) {
    Counters counters;
    // A group.id only because librdkafka's consumer API needs one: partitions are assigned by
    // hand, nothing subscribes or commits. A short fetch wait: at each log end a fetch comes back
    // empty only after it, before the partition goes back to its start.
    rd_kafka_t* rk = make_client(RD_KAFKA_CONSUMER, rd_kafka_conf_new(), o,
                                 {{"bootstrap.servers", o.bootstrap},
                                  {"group.id", "kgate-throughput-bench"},
                                  {"enable.auto.commit", "false"},
                                  {"enable.auto.offset.store", "false"},
                                  {"enable.partition.eof", "true"},
                                  {"auto.offset.reset", "earliest"},
                                  {"fetch.max.bytes", "33554432"},
                                  {"max.partition.fetch.bytes", "8388608"},
                                  {"fetch.wait.max.ms", "10"}},
                                 counters);
    if (rk == nullptr) return {};
    rd_kafka_poll_set_consumer(rk);  // so error callbacks are served by consumer_poll
    Outcome out;
    const int partitions = partition_count(rk, o.topic, deadline);
    const auto starts = partitions > 0 ? log_starts(rk, o.topic, partitions, deadline) : std::vector<std::int64_t>{};
    const auto start = Clock::now();
    bool failed = starts.empty() || !assign_at(rk, o.topic, starts);
    long long received = 0;
    long long rewinds = 0;
    while (!failed && received < o.messages) {
        if (remaining_ms(deadline) == 0 || counters.client_errors > 0) {
            failed = true;
            break;
        }
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, std::min(100, remaining_ms(deadline)));
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            rewind(rk, o.topic, m->partition, starts[static_cast<std::size_t>(m->partition)]);
            rewinds++;
        } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "kgate-throughput-bench: consume: %s\n", rd_kafka_message_errstr(m));
            failed = true;
        } else if (static_cast<long long>(m->len) != o.size) {
            std::fprintf(stderr, "kgate-throughput-bench: record at [%d] offset %lld has %zu bytes, not %lld\n",
                         static_cast<int>(m->partition), static_cast<long long>(m->offset), m->len, o.size);
            failed = true;
        } else {
            received++;
            out.bytes += static_cast<long long>(m->len);
        }
        rd_kafka_message_destroy(m);
    }
    out.seconds = since(start);
    out.ok = !failed && counters.client_errors == 0;
    if (received != o.messages) {
        std::fprintf(stderr, "kgate-throughput-bench: %lld of %lld records received\n", received, o.messages);
    }
    if (rewinds > 0) std::fprintf(stderr, "kgate-throughput-bench: went back to a log start %lld times\n", rewinds);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: kgate-throughput-bench --bootstrap HOST:PORT --topic T --messages N --size BYTES\n"
                     "                              --mode produce|consume [--seconds MAX (default 300)]\n"
                     "                              [--map-ports FROM=TO,...] [--ssl-ca CA.pem]\n");
        return 2;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(options->seconds);
    const Outcome out = options->mode == "produce" ? produce(*options, deadline) : consume(*options, deadline);
    if (!out.ok) {
        if (remaining_ms(deadline) == 0) {
            std::fprintf(stderr, "kgate-throughput-bench: %s did not finish within %d s\n", options->mode.c_str(),
                         options->seconds);
        }
        return 1;
    }
    const double seconds = std::max(out.seconds, 1e-9);
    std::printf("{\"mode\":\"%s\",\"messages\":%lld,\"bytes\":%lld,\"seconds\":%.3f,\"mb_per_s\":%.2f}\n",
                options->mode.c_str(), options->messages, out.bytes, out.seconds, out.bytes / 1e6 / seconds);
    return 0;
}

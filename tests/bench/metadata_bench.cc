// kgate-metadata-bench: all-topics Metadata requests back to back, for a cluster with a big
// topic (thousands of partitions): what a proxy pays to decode, rewrite and re-encode them.
//
//   kgate-metadata-bench --bootstrap HOST:PORT --requests N [--map-ports FROM=TO,...]
//
// Prints {"requests":N,"partitions":P,"seconds":S,"per_s":X,"p50_ms":..,"max_ms":..}; exit 1
// on a client error or a failed request, 2 on usage.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "port_map.h"

namespace {

using Clock = std::chrono::steady_clock;

int usage() {
    std::fprintf(stderr, "usage: kgate-metadata-bench --bootstrap HOST:PORT --requests N [--map-ports FROM=TO,...]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string bootstrap;
    std::string map_ports;
    int requests = 0;
    if (argc % 2 == 0) return usage();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view arg = argv[i];
        const std::string_view value = argv[i + 1];
        if (arg == "--bootstrap") {
            bootstrap = value;
        } else if (arg == "--map-ports") {
            map_ports = value;
        } else if (arg == "--requests") {
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), requests);
            if (ec != std::errc() || end != value.data() + value.size() || requests < 1 || requests > 100000) return usage();
        } else {
            return usage();
        }
    }
    if (bootstrap.empty() || requests == 0) return usage();

    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK ||
        !kgate::bench::install_port_map(conf, map_ports)) {
        std::fprintf(stderr, "kgate-metadata-bench: %s\n", error);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (rk == nullptr) {
        std::fprintf(stderr, "kgate-metadata-bench: %s\n", error);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    std::vector<double> ms;
    long long partitions = 0;
    int status = 0;
    Clock::time_point start;
    // Request 0 is the warm-up (connecting); it is not timed.
    for (int i = 0; i <= requests && status == 0; ++i) {
        if (i == 1) start = Clock::now();
        const auto begin = Clock::now();
        const rd_kafka_metadata_t* md = nullptr;
        const auto err = rd_kafka_metadata(rk, 1, nullptr, &md, 30'000);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "kgate-metadata-bench: metadata: %s\n", rd_kafka_err2str(err));
            status = 1;
            break;
        }
        if (i > 0) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        partitions = 0;
        for (int t = 0; t < md->topic_cnt; ++t) partitions += md->topics[t].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    rd_kafka_destroy(rk);
    if (status != 0) return status;
    std::sort(ms.begin(), ms.end());
    std::printf("{\"requests\":%d,\"partitions\":%lld,\"seconds\":%.3f,\"per_s\":%.1f,\"p50_ms\":%.2f,\"max_ms\":%.2f}\n", requests,
                partitions, seconds, requests / std::max(seconds, 1e-9), ms[ms.size() / 2], ms.back());
    return 0;
}

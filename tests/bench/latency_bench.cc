// kgate-latency-bench: produce round-trip latency at a fixed rate, without coordinated omission.
//
//   kgate-latency-bench --bootstrap HOST:PORT --topic T --rate PER_S --seconds S
//                       [--size BYTES] [--warmup S] [--max-in-flight N] [--map-ports FROM=TO,...]
//
// Record i is due at start + i / rate. The sender hands over every record that is due (late ones
// at once, never skipped), and each record's latency is taken from its due time, not from when it
// was actually sent, to its delivery report (acks=1, linger.ms=0): a proxy that stalls the
// sender is charged for the whole stall. Records that are never acknowledged within the drain
// time count as infinitely slow. --rate 0 keeps up to 20,000 records outstanding instead and
// reports only the rate reached (the maximum the other rates are fractions of): a closed loop
// has no meaningful latency.
//
// --max-in-flight caps the requests outstanding per broker connection (librdkafka's default is
// 1,000,000). A real broker serves one connection's requests one at a time: with linger.ms=0 and
// no cap the client sends a request per handful of records, faster than the broker answers them,
// and the queue of requests, not the path, sets the latency. With a cap (Java's default is 5),
// records wait in the client and go out together, as they would in practice.
//
// Prints {"rate":..,"sent":..,"delivered":..,"achieved_per_s":..,"p50_us":..,"p99_us":..,
// "p999_us":..,"max_us":..} (-1 for a percentile that falls on an unacknowledged record).
// Exit 1 on a client error, 2 on usage.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "port_map.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string bootstrap;
    std::string topic;
    double rate = -1;
    double seconds = 0;
    double warmup = 1;
    long long size = 1024;
    std::string max_in_flight;  // empty: librdkafka's default
    std::string map_ports;
};

// Written by the delivery callback: on the poll thread while sending, then on the main thread
// (rd_kafka_flush) once that thread has stopped.
struct State {
    Clock::time_point start;
    double interval_ns = 0;  // 0: unthrottled, no latencies kept
    std::atomic<long long> first_measured{0};  // records before it are the warm-up
    std::vector<std::int64_t> latencies_ns;
    std::atomic<long long> delivered{0};
    std::atomic<long long> measured_delivered{0};
    std::atomic<int> errors{0};
};

bool parse_double(std::string_view text, double low, double high, double& out) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) return false;
    out = value;
    return true;
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    if (argc % 2 == 0) return std::nullopt;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view arg = argv[i];
        const std::string_view value = argv[i + 1];
        double size = 0;
        double in_flight = 0;  // only checked: librdkafka takes the text
        bool ok = true;
        if (arg == "--bootstrap") o.bootstrap = value;
        else if (arg == "--topic") o.topic = value;
        else if (arg == "--rate") ok = parse_double(value, 0, 10e6, o.rate);
        else if (arg == "--seconds") ok = parse_double(value, 0.1, 3600, o.seconds);
        else if (arg == "--warmup") ok = parse_double(value, 0, 60, o.warmup);
        else if (arg == "--size") ok = parse_double(value, 1, 1 << 20, size), o.size = static_cast<long long>(size);
        else if (arg == "--max-in-flight") ok = parse_double(value, 1, 1e6, in_flight), o.max_in_flight = value;
        else if (arg == "--map-ports") o.map_ports = value;
        else ok = false;
        if (!ok) {
            std::fprintf(stderr, "kgate-latency-bench: bad option %s %s\n", argv[i], argv[i + 1]);
            return std::nullopt;
        }
    }
    if (o.bootstrap.empty() || o.topic.empty() || o.rate < 0 || o.seconds <= 0) return std::nullopt;
    return o;
}

void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<State*>(opaque)->errors++;
    std::fprintf(stderr, "kgate-latency-bench: client error %s: %s\n", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)),
                 reason);
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    const auto now = Clock::now();
    auto* s = static_cast<State*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (s->errors++ == 0) std::fprintf(stderr, "kgate-latency-bench: delivery failed: %s\n", rd_kafka_err2str(m->err));
        return;
    }
    s->delivered++;
    const auto index = static_cast<long long>(reinterpret_cast<std::intptr_t>(m->_private));
    if (index < s->first_measured.load()) return;
    s->measured_delivered++;
    if (s->interval_ns == 0) return;
    const auto due = s->start + std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(index) * s->interval_ns));
    s->latencies_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now - due).count());
}

rd_kafka_t* make_producer(const Options& o, State& state) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char error[512];
    std::vector<std::pair<const char*, std::string>> settings = {
        {"bootstrap.servers", o.bootstrap}, {"acks", "1"}, {"linger.ms", "0"}, {"compression.type", "none"},
        {"queue.buffering.max.messages", "10000000"}, {"queue.buffering.max.kbytes", "2097151"}, {"message.timeout.ms", "60000"}};
    if (!o.max_in_flight.empty()) settings.emplace_back("max.in.flight.requests.per.connection", o.max_in_flight);
    for (const auto& [key, value] : settings) {
        if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "kgate-latency-bench: %s=%s: %s\n", key, value.c_str(), error);
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    if (!kgate::bench::install_port_map(conf, o.map_ports)) {
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_opaque(conf, &state);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (rk == nullptr) {
        std::fprintf(stderr, "kgate-latency-bench: %s\n", error);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

double percentile_us(std::vector<std::int64_t>& sorted, long long total, double q) {
    const auto rank = static_cast<long long>(q * static_cast<double>(total - 1));
    if (rank >= static_cast<long long>(sorted.size())) return -1;  // an unacknowledged record
    return static_cast<double>(sorted[static_cast<std::size_t>(rank)]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: kgate-latency-bench --bootstrap HOST:PORT --topic T --rate PER_S (0: as fast as possible)\n"
                     "                           --seconds S [--size BYTES] [--warmup S] [--max-in-flight N]\n"
                     "                           [--map-ports FROM=TO,...]\n");
        return 2;
    }
    const Options& o = *options;
    State state;
    rd_kafka_t* rk = make_producer(o, state);
    if (rk == nullptr) return 1;
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
    std::vector<char> payload(static_cast<std::size_t>(o.size), 'l');

    const bool unthrottled = o.rate == 0;
    const double total_seconds = o.warmup + o.seconds;
    // Unthrottled: at most this many records waiting, so the queue cannot grow without bound.
    constexpr long long kMaxOutstanding = 20000;
    const long long planned = unthrottled ? 0 : static_cast<long long>(total_seconds * o.rate);
    state.interval_ns = unthrottled ? 0 : 1e9 / o.rate;
    state.first_measured = unthrottled ? 0 : static_cast<long long>(o.warmup * o.rate);
    state.latencies_ns.reserve(static_cast<std::size_t>(unthrottled ? 0 : planned - state.first_measured + 1));

    std::atomic<bool> polling{true};
    std::thread poller([&] {
        while (polling.load(std::memory_order_relaxed)) rd_kafka_poll(rk, 1);
        rd_kafka_poll(rk, 0);
    });

    state.start = Clock::now();
    const auto stop_at = state.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(total_seconds));
    // Throttled: the rate reached after the warm-up; unthrottled: set once the warm-up is over.
    Clock::time_point measure_from =
        unthrottled ? state.start : state.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
    long long sent = 0;
    bool failed = false;
    while (!failed) {
        const auto now = Clock::now();
        long long due = 0;
        if (unthrottled) {
            if (now >= stop_at) break;
            // Warm-up by time: records sent before it are not measured.
            if (now - state.start < std::chrono::duration<double>(o.warmup)) state.first_measured = sent + 1;
            else if (measure_from == state.start) measure_from = now;  // NOLINT: first pass after the warm-up
            due = sent - state.delivered < kMaxOutstanding ? sent + 1 : sent;
        } else {
            due = std::min(planned, static_cast<long long>(std::chrono::duration<double>(now - state.start).count() * o.rate) + 1);
            if (sent >= planned) break;
        }
        if (due == sent) {
            std::this_thread::sleep_for(std::chrono::microseconds(unthrottled ? 20 : 50));
            continue;
        }
        for (; sent < due; ++sent) {
            void* tag = reinterpret_cast<void*>(static_cast<std::intptr_t>(sent));
            if (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, payload.data(), payload.size(), nullptr, 0, tag) != 0) {
                std::fprintf(stderr, "kgate-latency-bench: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
                failed = true;
                break;
            }
        }
    }
    const double send_seconds = std::chrono::duration<double>(Clock::now() - measure_from).count();
    // The poller stops first: rd_kafka_flush() serves delivery reports on the calling thread,
    // and the callback's vector must only ever be touched by one thread.
    polling = false;
    poller.join();
    rd_kafka_flush(rk, 10'000);
    const long long measured = sent - state.first_measured.load();
    const long long errors = state.errors.load();
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(rk);
    if (failed || errors > 0 || measured <= 0) return 1;
    if (unthrottled) {
        std::printf("{\"rate\":0,\"sent\":%lld,\"delivered\":%lld,\"achieved_per_s\":%.0f}\n", measured,
                    state.measured_delivered.load(), static_cast<double>(state.measured_delivered.load()) / std::max(send_seconds, 1e-9));
        return 0;
    }

    auto& l = state.latencies_ns;
    std::sort(l.begin(), l.end());
    const long long measured_delivered = state.measured_delivered.load();
    const double achieved = static_cast<double>(measured_delivered) / std::max(send_seconds, 1e-9);
    std::printf(
        "{\"rate\":%.0f,\"sent\":%lld,\"delivered\":%lld,\"achieved_per_s\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
        "\"p999_us\":%.1f,\"max_us\":%.1f}\n",
        o.rate, measured, measured_delivered, achieved, percentile_us(l, measured, 0.5), percentile_us(l, measured, 0.99),
        percentile_us(l, measured, 0.999), measured_delivered == measured && !l.empty() ? static_cast<double>(l.back()) / 1000.0 : -1.0);
    return 0;
}

// Closed-loop round-trip probe: per target, one connection to a partition's leader, one small
// Produce (one record, acks=1) in flight at a time, thousands of times; prints the time from
// writing each request to reading its whole answer as percentiles, one JSON line per target.
// Several targets (the brokers directly, then proxies) take turns request by request, so a
// moment of a loaded machine or a slow broker falls on all of them alike: the difference to the
// direct target is what a proxy adds to a request. Produce is forwarded by every proxy (kgate
// answers ApiVersions itself, so not that).
//
// kgate-round-trip-probe --topic T [--requests N] [--warmup N] [--seconds S] [--size BYTES]
//                        [--target NAME] --bootstrap HOST:PORT [--ssl-ca CA.pem] [--map-ports FROM=TO,...]
//                        [--target NAME --bootstrap ...]...
// --target starts the next target; --bootstrap, --ssl-ca and --map-ports after it are its own.
// --ssl-ca: TLS to the bootstrap address and the leader, their certificates verified against
// that CA and the address dialled. --map-ports: reach a broker's port through another (HAProxy,
// which does not rewrite Metadata). Bounded: at most --seconds (default 30) of round trips in
// all, every read and write at most 10 s; exits 1 on any failure, naming it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "one_record_batch.h"
#include "option_pairs.h"
#include "probe_connection.h"
#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace kp = kgate::protocol;
namespace km = kgate::protocol::messages;
using Clock = std::chrono::steady_clock;
using kgate::bench::parse_number;

namespace {

constexpr int kIoTimeoutMs = 10'000;
constexpr std::int16_t kMaxMetadataVersion = 12;
constexpr std::int16_t kMaxProduceVersion = 12;  // 13 names topics by id only

struct Target {
    std::string name;
    std::string host;
    int port = 0;
    std::string ca_file;
    std::map<int, int> port_map;
};

struct Options {
    std::vector<Target> targets;
    std::string topic;
    long requests = 5000;
    long warmup = 500;
    double seconds = 30;
    long size = 100;
};

bool parse_host_port(std::string_view text, std::string& host, int& port) {
    text = text.substr(0, text.find(','));  // the first of a bootstrap list
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = std::string(text.substr(0, colon));
    return parse_number(text.substr(colon + 1), 1, 65535, port);
}

bool parse_port_map(std::string_view text, std::map<int, int>& out) {
    while (!text.empty()) {
        const auto item = text.substr(0, text.find(','));
        text.remove_prefix(std::min(text.size(), item.size() + 1));
        const auto eq = item.find('=');
        int from = 0;
        int to = 0;
        if (eq == std::string_view::npos || !parse_number(item.substr(0, eq), 1, 65535, from) ||
            !parse_number(item.substr(eq + 1), 1, 65535, to)) {
            return false;
        }
        out[from] = to;
    }
    return true;
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    const auto target = [&o]() -> Target& {
        if (o.targets.empty()) o.targets.emplace_back();
        return o.targets.back();
    };
    const bool ok = kgate::bench::take_option_pairs("kgate-round-trip-probe", argc, argv, [&](std::string_view arg, std::string_view value) {
        if (arg == "--target") return o.targets.emplace_back().name = value, true;
        if (arg == "--bootstrap") return parse_host_port(value, target().host, target().port);
        if (arg == "--topic") return o.topic = value, true;
        if (arg == "--requests") return parse_number(value, 1L, 10'000'000L, o.requests);
        if (arg == "--warmup") return parse_number(value, 0L, 1'000'000L, o.warmup);
        if (arg == "--seconds") return parse_number(value, 0.1, 3600.0, o.seconds);
        if (arg == "--size") return parse_number(value, 0L, 1L << 20, o.size);
        if (arg == "--ssl-ca") return target().ca_file = value, true;
        if (arg == "--map-ports") return parse_port_map(value, target().port_map);
        return false;
    });
    if (!ok || o.targets.empty() || o.topic.empty()) return std::nullopt;
    for (const auto& t : o.targets) {
        if (t.host.empty()) return std::nullopt;
    }
    return o;
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "kgate-round-trip-probe: %s\n", what.c_str());
    std::exit(1);
}

// A request frame with its size prefix; the correlation id sits at bytes 8-11 of it.
template <class Body>
std::vector<std::byte> request_frame(const Body& body, std::int16_t version) {
    kp::DecodedRequest r;
    r.header.request_api_key = Body::api_key;
    r.header.request_api_version = version;
    r.header.correlation_id = 1;
    r.header.client_id = "kgate-round-trip-probe";
    r.header_version = kp::request_header_version(*kp::find_api(Body::api_key), version);
    r.body = body;
    auto frame = kp::encode_request(r);
    if (!frame) fail(std::string(Body::message_name) + " cannot be encoded at v" + std::to_string(version));
    std::vector<std::byte> out(4);
    const auto size = static_cast<std::uint32_t>(frame->size());
    for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>(size >> (24 - 8 * i));
    out.insert(out.end(), frame->begin(), frame->end());
    return out;
}

void set_correlation_id(std::vector<std::byte>& frame, std::int32_t id) {
    for (int i = 0; i < 4; ++i) frame[8 + i] = static_cast<std::byte>(static_cast<std::uint32_t>(id) >> (24 - 8 * i));
}

std::int32_t correlation_id_of(const std::vector<std::byte>& response) {
    std::uint32_t id = 0;
    for (int i = 0; i < 4 && i < static_cast<int>(response.size()); ++i) id = (id << 8) | std::to_integer<std::uint32_t>(response[i]);
    return static_cast<std::int32_t>(id);
}

// One request and its answer, decoded; fails the probe on any error.
template <class Response, class Request>
Response exchange(kgate::bench::ProbeConnection& c, const Request& request, std::int16_t version) {
    std::string error;
    std::vector<std::byte> response;
    if (!c.write_all(request_frame(request, version), error) || !c.read_frame(response, error)) {
        fail(std::string(Request::message_name) + ": " + error);
    }
    auto decoded = kp::decode_response(Request::api_key, version, response);
    if (!decoded) fail(std::string(Response::message_name) + ": " + decoded.error().to_string());
    auto* body = std::get_if<Response>(&decoded->body);
    if (body == nullptr) fail(std::string(Response::message_name) + ": decoded as another message");
    return std::move(*body);
}

std::int16_t usable_version(const km::ApiVersionsResponse& versions, std::int16_t key, std::int16_t ours) {
    for (const auto& api : versions.api_keys) {
        if (api.api_key == key && api.min_version <= ours) return std::min(api.max_version, ours);
    }
    fail("the peer offers no usable version of API key " + std::to_string(key));
}

struct Leader {
    std::string host;
    int port = 0;
};

Leader find_leader(const Target& o, const std::string& topic_name, std::int16_t& produce_version) {
    kgate::bench::ProbeConnection bootstrap(o.host, o.port, o.ca_file, kIoTimeoutMs);
    // v0: every broker and proxy takes it (the mock offers no v3), so the answer is never KIP-511's fallback.
    const auto versions = exchange<km::ApiVersionsResponse>(bootstrap, km::ApiVersionsRequest{}, 0);
    if (versions.error_code != 0) fail("ApiVersions: error " + std::to_string(versions.error_code));
    produce_version = usable_version(versions, km::ProduceRequest::api_key, kMaxProduceVersion);
    const auto metadata_version = usable_version(versions, km::MetadataRequest::api_key, kMaxMetadataVersion);

    km::MetadataRequest ask;
    km::MetadataRequest::MetadataRequestTopic topic;
    topic.name = topic_name;
    ask.topics->push_back(topic);
    ask.allow_auto_topic_creation = false;
    const auto metadata = exchange<km::MetadataResponse>(bootstrap, ask, metadata_version);
    for (const auto& t : metadata.topics) {
        if (t.name != topic_name) continue;
        if (t.error_code != 0) fail("Metadata: topic " + topic_name + " has error " + std::to_string(t.error_code));
        for (const auto& p : t.partitions) {
            if (p.partition_index != 0) continue;
            for (const auto& b : metadata.brokers) {
                if (b.node_id != p.leader_id) continue;
                const auto mapped = o.port_map.find(b.port);
                return {b.host, mapped == o.port_map.end() ? b.port : mapped->second};
            }
            fail("Metadata: partition 0's leader " + std::to_string(p.leader_id) + " is not among the brokers");
        }
    }
    fail("Metadata: no partition 0 of topic " + topic_name);
}

double percentile(const std::vector<std::int64_t>& sorted_ns, double q) {
    const auto i = std::min(sorted_ns.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted_ns.size())));
    return static_cast<double>(sorted_ns[i]) / 1000.0;
}

// One target's connection to the leader, its request (one record) and its round trips so far.
struct Probe {
    Probe(const Target& t, const Options& o, const std::vector<std::byte>& batch)
        : target(t), leader(find_leader(t, o.topic, version)), conn(leader.host, leader.port, t.ca_file, kIoTimeoutMs) {
        km::ProduceRequest produce;
        produce.acks = 1;
        produce.timeout_ms = kIoTimeoutMs;
        km::ProduceRequest::TopicProduceData topic;
        topic.name = o.topic;
        km::ProduceRequest::PartitionProduceData partition;
        partition.index = 0;
        partition.records = kp::BytesView(batch);
        topic.partition_data.push_back(partition);
        produce.topic_data.push_back(topic);
        frame = request_frame(produce, version);
        measured_ns.reserve(static_cast<std::size_t>(o.requests));
    }

    // One request and its answer; the time between them kept once the warm-up is over.
    void round_trip(long i, bool measured) {
        const auto id = static_cast<std::int32_t>(i + 2);
        const std::string what = target.name + " Produce " + std::to_string(i);
        set_correlation_id(frame, id);
        std::string error;
        const auto sent = Clock::now();
        if (!conn.write_all(frame, error) || !conn.read_frame(response, error)) fail(what + ": " + error);
        const auto answered = Clock::now();
        if (correlation_id_of(response) != id) fail(what + ": answer to another request");
        // Checked outside the timed part: every answer must be a success for partition 0.
        auto decoded = kp::decode_response(km::ProduceRequest::api_key, version, response);
        if (!decoded) fail(what + ": " + decoded.error().to_string());
        const auto* body = std::get_if<km::ProduceResponse>(&decoded->body);
        if (body == nullptr || body->responses.empty() || body->responses[0].partition_responses.empty()) {
            fail(what + ": no partition in the answer");
        }
        if (const auto code = body->responses[0].partition_responses[0].error_code; code != 0) {
            fail(what + ": partition 0 error " + std::to_string(code));
        }
        if (measured) measured_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(answered - sent).count());
    }

    void print(const Options& o, long warmed_up, double elapsed_s) {
        if (measured_ns.empty()) fail(target.name + ": no measured round trip within " + std::to_string(o.seconds) + " s");
        double total_ns = 0;
        for (const auto ns : measured_ns) total_ns += static_cast<double>(ns);
        std::sort(measured_ns.begin(), measured_ns.end());
        std::printf("{\"target\":\"%s\",\"requests\":%zu,\"warmup\":%ld,\"complete\":%s,\"produce_version\":%d,\"leader\":\"%s:%d\","
                    "\"tls\":%s,\"mean_us\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
                    "\"seconds\":%.2f}\n",
                    target.name.c_str(), measured_ns.size(), warmed_up, static_cast<long>(measured_ns.size()) == o.requests ? "true" : "false",
                    version, leader.host.c_str(), leader.port, target.ca_file.empty() ? "false" : "true",
                    total_ns / static_cast<double>(measured_ns.size()) / 1000.0, percentile(measured_ns, 0.50),
                    percentile(measured_ns, 0.90), percentile(measured_ns, 0.99), percentile(measured_ns, 0.999),
                    static_cast<double>(measured_ns.back()) / 1000.0, elapsed_s);
    }

    const Target& target;
    std::int16_t version = 0;
    Leader leader;
    kgate::bench::ProbeConnection conn;
    std::vector<std::byte> frame;
    std::vector<std::byte> response;
    std::vector<std::int64_t> measured_ns;
};

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse_options(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: kgate-round-trip-probe --topic T [--requests N] [--warmup N] [--seconds S] [--size BYTES]\n"
                     "         [--target NAME] --bootstrap HOST:PORT [--ssl-ca CA.pem] [--map-ports FROM=TO,...] [--target NAME ...]...\n");
        return 2;
    }
    const Options& o = *options;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto batch = kgate::bench::one_record_batch(static_cast<std::size_t>(o.size), now_ms);
    std::vector<std::unique_ptr<Probe>> probes;
    for (const auto& t : o.targets) probes.push_back(std::make_unique<Probe>(t, o, batch));

    // Targets take turns, the first one rotating, so none always follows the same other.
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::duration<double>(o.seconds);
    long done = 0;
    for (; done < o.warmup + o.requests && Clock::now() < deadline; ++done) {
        for (std::size_t k = 0; k < probes.size(); ++k) probes[(static_cast<std::size_t>(done) + k) % probes.size()]->round_trip(done, done >= o.warmup);
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
    for (auto& p : probes) p->print(o, std::min(done, o.warmup), elapsed_s);
    return 0;
} catch (const std::exception& e) {
    fail(e.what());
}

// Codec micro-benchmarks. Inputs are built from the generated structs and encoded once;
// the timed loops only decode or encode.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"
#include "protocol/codec/frame_scan.h"
#include "protocol/messages/find_coordinator_response.h"
#include "protocol/messages/metadata_response.h"
#include "protocol/messages/produce_request.h"

namespace {

namespace kp = kgate::protocol;
namespace km = kgate::protocol::messages;

constexpr std::int16_t kMetadataVersion = km::MetadataResponse::highest_version;
constexpr std::int16_t kProduceVersion = km::ProduceRequest::highest_version;
constexpr std::int16_t kFindCoordinatorVersion = km::FindCoordinatorResponse::highest_version;

kp::Uuid make_uuid(int seed) {
    kp::Uuid u;
    for (std::size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<std::uint8_t>(seed * 31 + i + 1);
    return u;
}

// 3 brokers, 20 topics of 100 partitions each (2,000 in all), 3 replicas per partition.
km::MetadataResponse make_metadata() {
    constexpr int kBrokers = 3;
    constexpr int kTopics = 20;
    constexpr int kPartitionsPerTopic = 100;
    km::MetadataResponse m;
    m.cluster_id = "kgate-bench-cluster";
    m.controller_id = 1;
    for (int b = 1; b <= kBrokers; ++b) {
        km::MetadataResponse::MetadataResponseBroker broker;
        broker.node_id = b;
        broker.host = "broker-" + std::to_string(b) + ".kafka.internal";
        broker.port = 9092;
        broker.rack = "rack-" + std::to_string(b);
        m.brokers.push_back(std::move(broker));
    }
    for (int t = 0; t < kTopics; ++t) {
        km::MetadataResponse::MetadataResponseTopic topic;
        topic.name = "bench-topic-" + std::to_string(t);
        topic.topic_id = make_uuid(t);
        for (int p = 0; p < kPartitionsPerTopic; ++p) {
            km::MetadataResponse::MetadataResponsePartition partition;
            partition.partition_index = p;
            partition.leader_id = 1 + (t + p) % kBrokers;
            partition.leader_epoch = 5;
            for (int r = 0; r < 3; ++r) partition.replica_nodes.push_back(1 + (t + p + r) % kBrokers);
            partition.isr_nodes = partition.replica_nodes;
            topic.partitions.push_back(std::move(partition));
        }
        m.topics.push_back(std::move(topic));
    }
    return m;
}

// A whole response frame (header and body, no size prefix), as decode_response takes it.
template <class M>
std::vector<std::byte> response_frame(const M& body, std::int16_t version) {
    kp::DecodedResponse r;
    r.api_key = M::api_key;
    r.api_version = version;
    r.body_version = version;
    r.header.correlation_id = 42;
    r.header_version = kp::response_header_version(*kp::find_api(M::api_key), version);
    r.body = body;
    return kp::encode_response(r).value_or(std::vector<std::byte>{});
}

const km::MetadataResponse& metadata_message() {
    static const km::MetadataResponse m = make_metadata();
    return m;
}

const std::vector<std::byte>& metadata_frame() {
    static const std::vector<std::byte> frame = response_frame(metadata_message(), kMetadataVersion);
    return frame;
}

// A Produce request to one partition whose records are `record_bytes` opaque bytes.
struct ProduceInput {
    std::vector<std::byte> records;
    std::vector<std::byte> frame;
};

ProduceInput make_produce(std::size_t record_bytes) {
    ProduceInput in;
    in.records.resize(record_bytes);
    for (std::size_t i = 0; i < record_bytes; ++i) in.records[i] = static_cast<std::byte>(i * 7 + 3);

    km::ProduceRequest::PartitionProduceData partition;
    partition.index = 0;
    partition.records = kp::BytesView(in.records);
    km::ProduceRequest::TopicProduceData topic;
    topic.name = "bench-topic";
    topic.topic_id = make_uuid(7);
    topic.partition_data.push_back(partition);
    km::ProduceRequest body;
    body.acks = -1;
    body.timeout_ms = 30000;
    body.topic_data.push_back(topic);

    kp::DecodedRequest r;
    r.header.request_api_key = km::ProduceRequest::api_key;
    r.header.request_api_version = kProduceVersion;
    r.header.correlation_id = 42;
    r.header.client_id = "kgate-bench";
    r.header_version = kp::request_header_version(*kp::find_api(km::ProduceRequest::api_key), kProduceVersion);
    r.body = body;
    in.frame = kp::encode_request(r).value_or(std::vector<std::byte>{});
    return in;
}

const ProduceInput& produce_input(std::size_t record_bytes) {
    static std::map<std::size_t, ProduceInput> inputs;
    auto it = inputs.find(record_bytes);
    if (it == inputs.end()) it = inputs.emplace(record_bytes, make_produce(record_bytes)).first;
    return it->second;
}

// True when the decoded records are a view into `frame`, not a copy of it.
bool records_point_into(const kp::DecodedRequest& decoded, std::span<const std::byte> frame) {
    const auto* produce = std::get_if<km::ProduceRequest>(&decoded.body);
    if (produce == nullptr || produce->topic_data.empty() || produce->topic_data[0].partition_data.empty()) return false;
    const auto& records = produce->topic_data[0].partition_data[0].records;
    return records && records->data() >= frame.data() && records->data() + records->size() <= frame.data() + frame.size();
}

km::FindCoordinatorResponse make_find_coordinator() {
    km::FindCoordinatorResponse m;
    for (int i = 0; i < 10; ++i) {
        km::FindCoordinatorResponse::Coordinator c;
        c.key = "bench-group-" + std::to_string(i);
        c.node_id = 1 + i % 3;
        c.host = "broker-" + std::to_string(c.node_id) + ".kafka.internal";
        c.port = 9092;
        c.error_message = std::nullopt;
        m.coordinators.push_back(std::move(c));
    }
    return m;
}

// The input's size, printed in binary units (1 MiB of records shows as about 1Mi).
benchmark::Counter frame_bytes(std::size_t n) {
    return benchmark::Counter(static_cast<double>(n), benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

// encoded_size() then encode() into a buffer allocated once, as a gateway reusing its
// output buffer would.
template <class M>
void encode_loop(benchmark::State& state, const M& m, std::int16_t version) {
    std::vector<std::byte> out(m.encoded_size(version));
    bool fits = true;
    for (auto _ : state) {
        const std::size_t size = m.encoded_size(version);
        kp::Writer w(std::span<std::byte>(out).first(std::min(size, out.size())));
        m.encode(w, version);
        fits = fits && !w.overflowed() && w.size() == size;
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    if (!fits) state.SkipWithError("encode() did not fill exactly encoded_size() bytes");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}

void BM_MetadataResponseDecode(benchmark::State& state) {
    const auto& frame = metadata_frame();
    if (frame.empty()) return state.SkipWithError("the Metadata response did not encode");
    for (auto _ : state) {
        auto decoded = kp::decode_response(km::MetadataResponse::api_key, kMetadataVersion, frame);
        if (!decoded) {
            state.SkipWithError(decoded.error().to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(decoded);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
    state.counters["frame_bytes"] = frame_bytes(frame.size());
}
BENCHMARK(BM_MetadataResponseDecode);

// What the gateway does with a response it forwards or patches: a walk that builds nothing.
void BM_MetadataResponseScan(benchmark::State& state) {
    const auto& frame = metadata_frame();
    if (frame.empty()) return state.SkipWithError("the Metadata response did not encode");
    for (auto _ : state) {
        auto scanned = kp::scan_response(km::MetadataResponse::api_key, kMetadataVersion, frame);
        if (!scanned) {
            state.SkipWithError(scanned.error().to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(scanned);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
    state.counters["frame_bytes"] = frame_bytes(frame.size());
}
BENCHMARK(BM_MetadataResponseScan);

void BM_MetadataResponseEncode(benchmark::State& state) { encode_loop(state, metadata_message(), kMetadataVersion); }
BENCHMARK(BM_MetadataResponseEncode);

void BM_ProduceRequestDecode(benchmark::State& state) {
    const auto& in = produce_input(static_cast<std::size_t>(state.range(0)));
    if (in.frame.empty()) return state.SkipWithError("the Produce request did not encode");
    {
        const auto check = kp::decode_request(in.frame);
        if (!check || !records_point_into(*check, in.frame)) return state.SkipWithError("records were not decoded as a view");
    }
    for (auto _ : state) {
        auto decoded = kp::decode_request(in.frame);
        if (!decoded) {
            state.SkipWithError(decoded.error().to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(decoded);
    }
    // Frames per second: bytes per second would only grow with the records never read.
    state.SetItemsProcessed(state.iterations());
    state.counters["frame_bytes"] = frame_bytes(in.frame.size());
}
BENCHMARK(BM_ProduceRequestDecode)->Arg(1024)->Arg(1024 * 1024);

// What decoding would cost at least if it copied the records: the ratio to the decode above.
void BM_ProduceRecordsMemcpyBaseline(benchmark::State& state) {
    const auto& records = produce_input(static_cast<std::size_t>(state.range(0))).records;
    std::vector<std::byte> copy(records.size());
    for (auto _ : state) {
        std::memcpy(copy.data(), records.data(), records.size());
        benchmark::DoNotOptimize(copy.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_ProduceRecordsMemcpyBaseline)->Arg(1024)->Arg(1024 * 1024);

void BM_FindCoordinatorResponseEncode(benchmark::State& state) {
    static const km::FindCoordinatorResponse m = make_find_coordinator();
    encode_loop(state, m, kFindCoordinatorVersion);
}
BENCHMARK(BM_FindCoordinatorResponseEncode);

}  // namespace

BENCHMARK_MAIN();

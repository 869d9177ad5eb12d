// ClusterSession: turning the brokers' answers to one request into the client's answer.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/cluster_mode/cluster_session.h"
#include "gateway/cluster_mode/fetch_split.h"
#include "gateway/cluster_mode/produce_split.h"
#include "gateway/cluster_mode/topic_split.h"
#include "protocol/codec/api_table.h"
#include "protocol/messages/any_message.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

// Metadata, DescribeCluster, FindCoordinator: decoded, told as the one broker, encoded.
std::optional<std::vector<std::byte>> present(const PendingAnswer& e, std::span<const std::byte> answer, LeaderView& view,
                                              const VirtualBroker& self, std::string& error) {
    auto decoded = protocol::decode_response(e.api_key, e.api_version, answer);
    if (!decoded) {
        error = fmt::format("{} v{} response: {}", protocol::find_api(e.api_key)->name, e.api_version, decoded.error().to_string());
        return std::nullopt;
    }
    if (auto* m = std::get_if<msg::MetadataResponse>(&decoded->body)) {
        view.learn(*m);
        present_metadata(*m, self);
    } else if (auto* c = std::get_if<msg::DescribeClusterResponse>(&decoded->body)) {
        present_describe_cluster(*c, self);
    } else if (auto* f = std::get_if<msg::FindCoordinatorResponse>(&decoded->body)) {
        present_find_coordinator(*f, decoded->body_version, e.question, view, self);
    }
    auto bytes = protocol::encode_response(*decoded);
    if (!bytes) error = fmt::format("{} v{} response cannot be encoded", protocol::find_api(e.api_key)->name, e.api_version);
    return bytes;
}

}  // namespace

void ClusterSession::note_coordinator_answer(const PendingAnswer& e, std::span<const std::byte> answer) {
    if (!e.coordinator) return;
    auto decoded = protocol::decode_response(e.api_key, e.api_version, answer);
    // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE: the client retries, the next lookup finds the new one.
    if (decoded && coordinator_moved(*decoded)) view_.forget_coordinator(*e.coordinator);
}

awaitable<error_code> ClusterSession::deliver(PendingAnswer& e) {
    const std::vector<std::span<const std::byte>> answers(e.answers.begin(), e.answers.end());
    const PartitionErrorSink forget_stale = [this](std::string_view topic, const protocol::Uuid& id, std::int16_t code) {
        if (!leader_moved(code)) return;
        if (id.is_zero()) view_.forget(topic);
        else view_.forget(id);
    };
    std::string error;
    std::optional<std::vector<std::byte>> built;
    switch (e.answer) {
        case Answer::verbatim:
        case Answer::local: co_return co_await write_frame(client_, answers.front());
        case Answer::coordinator:
            note_coordinator_answer(e, answers.front());
            co_return co_await write_frame(client_, answers.front());
        case Answer::metadata:
        case Answer::describe_cluster:
        case Answer::find_coordinator: built = present(e, answers.front(), view_, self_, error); break;
        case Answer::produce: built = merge_produce_responses(answers, e.api_version, e.correlation_id, error, forget_stale); break;
        case Answer::by_topic: built = merge_by_topic(e.api_key, e.api_version, answers, e.correlation_id, error, forget_stale); break;
        case Answer::fetch: {
            auto merged = merge_fetch_responses(answers, e.api_version, e.correlation_id, error, forget_stale);
            if (!merged) break;
            co_return co_await merged->write_to(client_);
        }
    }
    if (!built) {
        // Forwarding what could not be read could leak a broker's address: the connection ends.
        spdlog::error("cluster conn {} from {}: {}; closing", id_, peer_, error);
        co_return asio::error::make_error_code(asio::error::invalid_argument);
    }
    const std::span<const std::byte> answer(*built);
    co_return co_await write_frame(client_, answer);
}

}  // namespace kgate::gateway

#include "connection_tap.h"

#include <utility>

#include "kafka_header.h"

namespace kgate::capture {

ConnectionTap::ConnectionTap(FrameRecorder& recorder, std::uint64_t connection_id)
    : recorder_(recorder), connection_id_(connection_id) {}

void ConnectionTap::from_client(std::span<const std::byte> bytes) {
  to_broker_.feed(bytes);
  while (const auto frame = to_broker_.next_frame()) {
    const auto header = parse_request_header(*frame);
    if (!header) {
      recorder_.report_problem("connection " + std::to_string(connection_id_) +
                               ": request frame of " + std::to_string(frame->size()) +
                               " bytes has no valid request header");
      continue;
    }
    const FrameInfo info{Direction::request,
                         {header->api_key, header->api_version},
                         header->correlation_id,
                         header->client_id,
                         connection_id_};
    const bool keep = recorder_.record_request(info, *frame);
    const std::scoped_lock lock(mu_);
    const bool fresh =
        pending_.try_emplace(header->correlation_id, Pending{info.kind, header->client_id, keep})
            .second;
    if (!fresh) {
      recorder_.report_problem("connection " + std::to_string(connection_id_) +
                               ": correlation id " + std::to_string(header->correlation_id) +
                               " reused while in flight");
    }
  }
  if (to_broker_.failed() && !std::exchange(to_broker_reported_, true)) {
    report_desync(to_broker_, Direction::request);
  }
}

void ConnectionTap::from_broker(std::span<const std::byte> bytes) {
  to_client_.feed(bytes);
  while (const auto frame = to_client_.next_frame()) {
    const auto correlation_id = parse_response_correlation_id(*frame);
    if (!correlation_id) {
      recorder_.report_problem("connection " + std::to_string(connection_id_) +
                               ": response frame too short for a correlation id");
      continue;
    }
    Pending request;
    {
      const std::scoped_lock lock(mu_);
      const auto it = pending_.find(*correlation_id);
      if (it == pending_.end()) {
        recorder_.report_problem("connection " + std::to_string(connection_id_) +
                                 ": response with unknown correlation id " +
                                 std::to_string(*correlation_id));
        continue;
      }
      request = std::move(it->second);
      pending_.erase(it);
    }
    const FrameInfo info{Direction::response, request.kind, *correlation_id, request.client_id,
                         connection_id_};
    recorder_.record_response(info, *frame, request.keep);
  }
  if (to_client_.failed() && !std::exchange(to_client_reported_, true)) {
    report_desync(to_client_, Direction::response);
  }
}

void ConnectionTap::finish() {
  // Unanswered requests are normal when a peer hangs up (e.g. the mock closes
  // the connection on an API it does not implement); they are only counted.
  const std::scoped_lock lock(mu_);
  for (const auto& entry : pending_) recorder_.note_unanswered(entry.second.kind);
  pending_.clear();
}

void ConnectionTap::report_desync(const FrameSplitter& splitter, Direction direction) {
  recorder_.report_problem("connection " + std::to_string(connection_id_) + ": " +
                           std::string(to_string(direction)) + " stream has bad frame size " +
                           std::to_string(splitter.bad_size()) + "; stopped splitting it");
}

}  // namespace kgate::capture

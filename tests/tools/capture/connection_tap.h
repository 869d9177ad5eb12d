// Observes both byte streams of one relayed connection, splits them into
// frames, pairs responses with requests by correlation id and hands the
// frames to the recorder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "frame_recorder.h"
#include "frame_splitter.h"

namespace kgate::capture {

class ConnectionTap {
 public:
  ConnectionTap(FrameRecorder& recorder, std::uint64_t connection_id);

  // Each is called from exactly one thread (its direction's pump), always
  // BEFORE the bytes are forwarded: that way a request is registered before
  // the broker can possibly answer it.
  void from_client(std::span<const std::byte> bytes);
  void from_broker(std::span<const std::byte> bytes);

  // Reports requests still waiting for a response; call after both pumps end.
  void finish();

 private:
  struct Pending {
    ApiKind kind;
    std::string client_id;
    bool keep = false;  // the request was written, so write the response too
  };

  void report_desync(const FrameSplitter& splitter, Direction direction);

  FrameRecorder& recorder_;
  const std::uint64_t connection_id_;
  FrameSplitter to_broker_;  // used by the client->broker pump only
  FrameSplitter to_client_;  // used by the broker->client pump only
  bool to_broker_reported_ = false;
  bool to_client_reported_ = false;

  std::mutex mu_;  // the map is shared by both pumps
  std::unordered_map<std::int32_t, Pending> pending_;
};

}  // namespace kgate::capture

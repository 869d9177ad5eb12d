// The control channel's commands: one text line in, one reply line out.
//
//   leader TOPIC PARTITION BROKER_ID        BROKER_ID -1: no leader; the mock
//                                           creates an unknown TOPIC with PARTITION+1
//                                           partitions rather than failing
//   coordinator group|txn KEY BROKER_ID     BROKER_ID need not exist (the mock's choice)
//   down BROKER_ID | up BROKER_ID           BROKER_ID -1: every broker
//   rtt BROKER_ID MS                        BROKER_ID -1: every broker
//   brokers                                 ok 1=HOST:PORT 2=HOST:PORT ...
//   quit                                    ok, then the whole launcher stops
//
// Replies are "ok[ ...]" or "error <reason>", without the newline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "broker_list.h"
#include "mock_cluster.h"

namespace kgate::mockcluster {

struct Reply {
  std::string text;
  bool quit = false;  // the launcher should stop once this reply is sent
};

class CommandRunner {
 public:
  CommandRunner(MockCluster& cluster, std::vector<BrokerAddress> brokers);

  // Never throws for bad input; that is an "error" reply.
  [[nodiscard]] Reply run(std::string_view line);

 private:
  MockCluster& cluster_;
  const std::vector<BrokerAddress> brokers_;
};

}  // namespace kgate::mockcluster

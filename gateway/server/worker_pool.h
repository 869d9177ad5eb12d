#pragma once
// The event loops that run client sessions: one io_context per thread, so a client
// connection and its upstream connection always stay on one thread.
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "gateway/net/asio.h"
#include "gateway/routing/published.h"
#include "gateway/tls/server_tls_context.h"

namespace kgate::gateway {

class ClientSession;
class ClusterSession;

struct Worker {
    asio::io_context context{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(context);
    std::list<ClientSession*> sessions;  // touched only on this worker's thread
    std::list<ClusterSession*> cluster_sessions;  // cluster-listen's, likewise
    // With client-facing TLS: this thread's view of the certificate in use (no lock per handshake).
    std::optional<Cached<ServerTlsContext>> tls;
    std::thread thread;
};

class WorkerPool {
public:
    explicit WorkerPool(int count);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    // Worker for the next accepted connection (round robin).
    Worker& next();
    std::vector<std::unique_ptr<Worker>>& workers() { return workers_; }
    // Lets the loops finish once they run out of work; `stop_now` abandons what is left.
    void stop(bool stop_now);
    void join();

private:
    std::vector<std::unique_ptr<Worker>> workers_;
    std::size_t next_ = 0;
};

}  // namespace kgate::gateway

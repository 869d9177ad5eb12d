#include "gateway/limits/accept_pause.h"

#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/limits/open_files.h"

namespace kgate::gateway {

bool out_of_descriptors(const error_code& ec) {
    return ec.category() == boost::system::system_category() && (ec.value() == EMFILE || ec.value() == ENFILE);
}

void AcceptPause::failed(std::uint16_t port, const error_code& ec) {
    const bool descriptors = out_of_descriptors(ec);
    metrics_.on_accept_error(descriptors ? AcceptError::open_files : AcceptError::other);
    if (descriptors) {
        log_.warn(fmt::format("accept on port {}: {} (open-files limit {}); new connections wait in the backlog until "
                              "client connections close",
                              port, ec.message(), describe_open_files_limit()));
    } else {
        log_.warn(fmt::format("accept on port {}: {}", port, ec.message()));
    }
}

void AcceptPause::recovered(std::uint16_t port, std::uint64_t failures) {
    recovered_log_.info(fmt::format("accept on port {} works again after {} failed attempts", port, failures));
}

awaitable<void> AcceptPause::pause() {
    if (!armed_) {
        timer_.expires_after(kRetry);
        armed_ = true;
    }
    error_code ec;
    co_await timer_.async_wait(with_ec(ec));
    armed_ = false;
}

void AcceptPause::wake() {
    if (armed_) timer_.cancel();
}

}  // namespace kgate::gateway

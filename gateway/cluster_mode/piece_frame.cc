#include "gateway/cluster_mode/piece_frame.h"

#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {

std::vector<std::byte>& PieceFrame::built() {
    if (pieces_.empty() || !pieces_.back().built) {
        pieces_.push_back(Piece{true, built_.size(), {}});
        built_.emplace_back();
    }
    return built_[pieces_.back().index];
}

void PieceFrame::append(std::span<const std::byte> bytes) {
    auto& b = built();
    b.insert(b.end(), bytes.begin(), bytes.end());
}

void PieceFrame::append_view(std::span<const std::byte> bytes) {
    if (!bytes.empty()) pieces_.push_back(Piece{false, 0, bytes});
}

std::size_t PieceFrame::size() const {
    std::size_t n = 0;
    for (const auto& p : pieces_) n += p.built ? built_[p.index].size() : p.view.size();
    return n;
}

std::size_t PieceFrame::viewed_bytes() const {
    std::size_t n = 0;
    for (const auto& p : pieces_) n += p.built ? 0 : p.view.size();
    return n;
}

std::vector<std::byte> PieceFrame::flatten() const {
    std::vector<std::byte> out;
    out.reserve(size());
    for (const auto& p : pieces_) {
        const std::span<const std::byte> bytes = p.built ? std::span<const std::byte>(built_[p.index]) : p.view;
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

template <class Stream>
awaitable<error_code> PieceFrame::write_to(Stream& stream) {
    const auto n = static_cast<std::uint32_t>(size());
    prefix_ = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 8),
               static_cast<unsigned char>(n)};
    // Built only now: built_ may have moved while pieces were appended.
    buffers_.clear();
    buffers_.push_back(asio::buffer(prefix_));
    for (const auto& p : pieces_) {
        const std::span<const std::byte> bytes = p.built ? std::span<const std::byte>(built_[p.index]) : p.view;
        if (!bytes.empty()) buffers_.push_back(asio::buffer(bytes.data(), bytes.size()));
    }
    error_code ec;
    co_await asio::async_write(stream, buffers_, with_ec(ec));
    co_return ec;
}

template awaitable<error_code> PieceFrame::write_to(tcp::socket&);
template awaitable<error_code> PieceFrame::write_to(TransportStream&);

}  // namespace kgate::gateway

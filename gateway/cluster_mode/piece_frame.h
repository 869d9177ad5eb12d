#pragma once
// A frame assembled from pieces: small bytes built here (headers, array lengths) and views of
// frames that outlive the write (a client's Produce partitions, brokers' Fetch partitions).
// Sent with its size prefix in one gathered write: the viewed bytes are never copied.
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "gateway/net/asio.h"

namespace kgate::gateway {

class PieceFrame {
public:
    // Appends bytes built here; consecutive ones share one piece.
    void append(std::span<const std::byte> bytes);
    std::vector<std::byte>& built();  // the open built piece, to write into
    // Appends a view; the bytes must stay where they are until the frame is written.
    void append_view(std::span<const std::byte> bytes);

    std::size_t size() const;  // without the size prefix
    std::size_t viewed_bytes() const;  // of size(), what is sent from views
    bool empty() const { return pieces_.empty(); }
    // The whole frame in one buffer (tests).
    std::vector<std::byte> flatten() const;

    template <class Stream>
    awaitable<error_code> write_to(Stream& stream);

private:
    struct Piece {
        bool built = false;
        std::size_t index = 0;              // into built_
        std::span<const std::byte> view;
    };
    std::vector<std::vector<std::byte>> built_;
    std::vector<Piece> pieces_;
    std::array<unsigned char, 4> prefix_{};
    std::vector<asio::const_buffer> buffers_;
};

class TransportStream;
extern template awaitable<error_code> PieceFrame::write_to(tcp::socket&);
extern template awaitable<error_code> PieceFrame::write_to(TransportStream&);

}  // namespace kgate::gateway

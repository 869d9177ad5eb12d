#pragma once
// The bytes of one frame read from a socket.
//
// A plain std::vector<std::byte> zeroes every byte it grows by, and a frame's vector grows just
// before the socket read overwrites it: for a 1 MiB Fetch response that is a 1 MiB memset per
// response, as much work as one of the two copies a forwarded byte costs. This allocator leaves
// new elements uninitialised instead; nothing reads them before the socket has written them.
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace kgate::gateway {

template <class T>
class DefaultInitAllocator : public std::allocator<T> {
public:
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    using std::allocator<T>::allocator;

    // Value-initialisation (what resize() asks for) becomes default-initialisation.
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        std::allocator_traits<std::allocator<T>>::construct(static_cast<std::allocator<T>&>(*this), p, std::forward<Args>(args)...);
    }
};

using FrameBuffer = std::vector<std::byte, DefaultInitAllocator<std::byte>>;

}  // namespace kgate::gateway

// Test-only, preloaded into a client (LD_PRELOAD): every host name that ends with the suffix in
// KGATE_LOOPBACK_SUFFIX (".kafka.test") resolves to 127.0.0.1, so that a client can be tested
// against SNI names nobody's DNS knows without touching /etc/hosts or needing root. Every
// other lookup goes to the C library's getaddrinfo as usual.
#include <dlfcn.h>
#include <netdb.h>

#include <cstdlib>
#include <cstring>

namespace {

using GetAddrInfo = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);

bool is_test_name(const char* node) {
    const char* suffix = std::getenv("KGATE_LOOPBACK_SUFFIX");
    if (node == nullptr || suffix == nullptr || *suffix == '\0') return false;
    const std::size_t n = std::strlen(node);
    const std::size_t s = std::strlen(suffix);
    // The suffix's own name without its leading dot counts too (kafka.test for .kafka.test).
    if (suffix[0] == '.' && std::strcmp(node, suffix + 1) == 0) return true;
    return n > s && std::strcmp(node + n - s, suffix) == 0;
}

}  // namespace

extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** res) {
    static const auto real = reinterpret_cast<GetAddrInfo>(dlsym(RTLD_NEXT, "getaddrinfo"));
    if (real == nullptr) return EAI_SYSTEM;
    return real(is_test_name(node) ? "127.0.0.1" : node, service, hints, res);
}

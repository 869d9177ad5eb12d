#include "protocol/wire/base64.h"

#include <boost/beast/core/detail/base64.hpp>

namespace kgate::protocol {

std::string base64_encode(std::span<const std::byte> data, Base64Alphabet alphabet) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(data.size()), '\0');
    out.resize(b64::encode(out.data(), data.data(), data.size()));
    if (alphabet == Base64Alphabet::url_unpadded) {
        while (!out.empty() && out.back() == '=') out.pop_back();
        for (auto& c : out) {
            if (c == '+') c = '-';
            else if (c == '/') c = '_';
        }
    }
    return out;
}

}  // namespace kgate::protocol

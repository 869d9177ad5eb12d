#pragma once
// The admin API's shared secret: read once from --admin-token-file at start-up, compared in
// constant time with the "authorization: Bearer <token>" metadata of each call.
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>

namespace kgate::admin {

class BearerToken {
public:
    // Throws std::runtime_error naming the file when it cannot be read or holds no token.
    static BearerToken from_file(const std::string& path);

    // OK, or UNAUTHENTICATED saying what was missing or wrong (never the token).
    grpc::Status check(const grpc::ServerContext& context) const;

private:
    explicit BearerToken(std::string token) : token_(std::move(token)) {}
    std::string token_;
};

}  // namespace kgate::admin

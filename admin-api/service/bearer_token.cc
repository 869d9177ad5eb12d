#include "admin-api/service/bearer_token.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kgate::admin {
namespace {

// Every byte is compared whatever the input: the time taken says nothing about the token.
bool same_secret(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0 && !b.empty();
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

}  // namespace

BearerToken BearerToken::from_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("admin-token-file: cannot read \"" + path + "\"");
    std::stringstream text;
    text << in.rdbuf();
    const std::string token(trim(text.str()));
    if (token.empty()) throw std::runtime_error("admin-token-file: \"" + path + "\" holds no token");
    if (token.find_first_of(" \t\r\n") != std::string::npos) {
        throw std::runtime_error("admin-token-file: \"" + path + "\" must hold one token on one line");
    }
    return BearerToken(token);
}

grpc::Status BearerToken::check(const grpc::ServerContext& context) const {
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find("authorization");
    if (it == metadata.end()) {
        return {grpc::StatusCode::UNAUTHENTICATED, "this gateway requires the metadata \"authorization: Bearer <token>\""};
    }
    const std::string_view value(it->second.data(), it->second.size());
    constexpr std::string_view kScheme = "Bearer ";
    if (!value.starts_with(kScheme)) return {grpc::StatusCode::UNAUTHENTICATED, "authorization: expected \"Bearer <token>\""};
    if (!same_secret(trim(value.substr(kScheme.size())), token_)) {
        return {grpc::StatusCode::UNAUTHENTICATED, "authorization: the token is not valid"};
    }
    return grpc::Status::OK;
}

}  // namespace kgate::admin

#include "admin-api/service/admin_server.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "grpc/health/v1/health.pb.h"

namespace kgate::admin {
namespace {

std::string read_pem(const std::string& setting, const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    if (in) text << in.rdbuf();
    if (!in || text.str().find("-----BEGIN") == std::string::npos) {
        throw std::runtime_error(fmt::format("{}: \"{}\" is not a readable PEM file", setting, path));
    }
    return text.str();
}

std::shared_ptr<grpc::ServerCredentials> credentials(const gateway::GatewayConfig& config) {
    if (config.admin_tls_cert.empty()) return grpc::InsecureServerCredentials();
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({read_pem("admin-tls-key", config.admin_tls_key), read_pem("admin-tls-cert", config.admin_tls_cert)});
    return grpc::SslServerCredentials(options);
}

}  // namespace

AdminServer::AdminServer(const gateway::GatewayConfig& config, gateway::GatewayControl& control, gateway::GatewayMetrics& metrics) {
    const auto& listen = *config.admin_listen;
    if (!config.admin_token_file.empty()) token_ = BearerToken::from_file(config.admin_token_file);
    const bool tls = !config.admin_tls_cert.empty();
    service_ = std::make_unique<AdminService>(control, metrics, token_, tls);
    // Reflection can only describe messages whose descriptors are linked in: naming the health
    // service through its descriptor keeps the health messages in the binary for grpcurl.
    const std::string health = grpc::health::v1::HealthCheckRequest::descriptor()->file()->service(0)->full_name();
    const std::vector<std::string> services{v1::GatewayAdmin::service_full_name(), health,
                                            grpc::reflection::v1::ServerReflection::service_full_name(),
                                            grpc::reflection::v1alpha::ServerReflection::service_full_name()};
    reflection_ = std::make_unique<ReflectionV1>(token_, services, metrics);
    reflection_v1alpha_ = std::make_unique<ReflectionV1Alpha>(token_, services, metrics);

    // Process-wide switch, before the builder: gRPC's own grpc.health.v1 service.
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    // A port in use must fail start-up, not be shared with another process.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort(listen.to_string(), credentials(config), &port_);
    builder.RegisterService(service_.get());
    builder.RegisterService(reflection_.get());
    builder.RegisterService(reflection_v1alpha_.get());
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw AdminListenError(fmt::format("admin-listen: cannot listen on {} (is the port in use?)", listen.to_string()));
    server_->GetHealthCheckService()->SetServingStatus(true);
    spdlog::info("admin API (gRPC{}) on {}:{}{}", tls ? ", TLS" : "", listen.host, port_,
                 config.admin_token_file.empty() ? "" : ", bearer token required");
}

AdminServer::~AdminServer() { shutdown(std::chrono::milliseconds(0)); }

void AdminServer::shutdown(std::chrono::milliseconds grace) {
    if (!server_) return;
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
    server_.reset();
}

}  // namespace kgate::admin

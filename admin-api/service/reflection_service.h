#pragma once
// Server reflection (grpc.reflection.v1 and its older twin v1alpha, which grpcurl and other
// tools still use) behind the same bearer token as GatewayAdmin: gRPC's reflection plugin has
// no hook for authentication. Answers come from the descriptors linked into the binary.
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include "admin-api/service/bearer_token.h"
#include "admin-api/service/proto_mapping.h"
#include "admin-api/service/reflection_files.h"
#include "gateway/metrics/gateway_metrics.h"

namespace kgate::admin {

// `Base` is the generated ServerReflection::Service of one reflection package; both packages
// define the same messages.
template <class Base, class Request, class Response>
class ReflectionService final : public Base {
public:
    ReflectionService(const std::optional<BearerToken>& token, std::vector<std::string> services, gateway::GatewayMetrics& metrics)
        : token_(token), services_(std::move(services)), metrics_(metrics) {}

    grpc::Status ServerReflectionInfo(grpc::ServerContext* context, grpc::ServerReaderWriter<Response, Request>* stream) override {
        grpc::Status status = token_ ? token_->check(*context) : grpc::Status::OK;
        metrics_.on_admin_call("ServerReflectionInfo", code_name(status.error_code()));
        if (!status.ok()) return status;
        Request request;
        while (stream->Read(&request)) {
            Response response;
            answer(request, response);
            if (!stream->Write(response)) break;
        }
        return grpc::Status::OK;
    }

private:
    void answer(const Request& q, Response& a) const {
        namespace gp = google::protobuf;
        const gp::DescriptorPool& pool = *gp::DescriptorPool::generated_pool();
        a.set_valid_host(q.host());
        *a.mutable_original_request() = q;
        switch (q.message_request_case()) {
        case Request::kFileByFilename:
            send_file(pool.FindFileByName(q.file_by_filename()), "file " + q.file_by_filename(), a);
            break;
        case Request::kFileContainingSymbol:
            send_file(pool.FindFileContainingSymbol(q.file_containing_symbol()), "symbol " + q.file_containing_symbol(), a);
            break;
        case Request::kFileContainingExtension: {
            const auto& ext = q.file_containing_extension();
            const auto* type = pool.FindMessageTypeByName(ext.containing_type());
            const auto* field = type ? pool.FindExtensionByNumber(type, ext.extension_number()) : nullptr;
            send_file(field ? field->file() : nullptr,
                      "extension " + std::to_string(ext.extension_number()) + " of " + ext.containing_type(), a);
            break;
        }
        case Request::kAllExtensionNumbersOfType: {
            const auto* type = pool.FindMessageTypeByName(q.all_extension_numbers_of_type());
            if (type == nullptr) {
                fail(a, grpc::StatusCode::NOT_FOUND, "no type " + q.all_extension_numbers_of_type());
                break;
            }
            std::vector<const gp::FieldDescriptor*> extensions;
            pool.FindAllExtensions(type, &extensions);
            auto& numbers = *a.mutable_all_extension_numbers_response();
            numbers.set_base_type_name(type->full_name());
            for (const auto* e : extensions) numbers.add_extension_number(e->number());
            break;
        }
        case Request::kListServices:
            for (const auto& name : services_) a.mutable_list_services_response()->add_service()->set_name(name);
            break;
        default:
            fail(a, grpc::StatusCode::INVALID_ARGUMENT, "the request names nothing to look up");
        }
    }

    static void send_file(const google::protobuf::FileDescriptor* file, const std::string& what, Response& a) {
        if (file == nullptr) {
            fail(a, grpc::StatusCode::NOT_FOUND, "no " + what);
            return;
        }
        for (auto& bytes : serialized_with_dependencies(*file)) {
            a.mutable_file_descriptor_response()->add_file_descriptor_proto(std::move(bytes));
        }
    }

    static void fail(Response& a, grpc::StatusCode code, const std::string& message) {
        auto& e = *a.mutable_error_response();
        e.set_error_code(static_cast<int>(code));
        e.set_error_message(message);
    }

    const std::optional<BearerToken>& token_;
    std::vector<std::string> services_;
    gateway::GatewayMetrics& metrics_;
};

}  // namespace kgate::admin

#include "gateway/cli/decode_command.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"
#include "protocol/frame/frame_splitter.h"
#include "protocol/json/json_writer.h"

namespace kgate::cli {
namespace {

struct DecodeOptions {
    std::string file;
    bool request = false;
    bool response = false;
    int api_key = -1;
    int api_version = -1;
    bool reencode = false;
    std::size_t max_frame_size = protocol::kDefaultMaxFrameSize;
};

// A failure the user caused (bad file, bad frame): printed as one line, exit status 1.
struct DecodeFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<std::byte> read_input(const std::string& file) {
    std::vector<char> chars;
    if (file == "-") {
        chars.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw DecodeFailure(fmt::format("{}: cannot open", file));
        chars.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::byte> out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

// The frame without its size prefix; the input must hold exactly one whole frame.
std::span<const std::byte> single_frame(const std::vector<std::byte>& data, const DecodeOptions& opt) {
    const protocol::FrameSplitter splitter(opt.max_frame_size);
    const auto status = splitter.check(data);
    switch (status.kind) {
        case protocol::FrameStatus::Kind::invalid: throw DecodeFailure(fmt::format("{}: {}", opt.file, status.error));
        case protocol::FrameStatus::Kind::need_more:
            throw DecodeFailure(fmt::format("{}: truncated frame: {} bytes, the size prefix needs {}", opt.file, data.size(), status.bytes));
        case protocol::FrameStatus::Kind::complete: break;
    }
    if (status.bytes != data.size()) {
        throw DecodeFailure(fmt::format("{}: {} bytes follow the frame of {} bytes", opt.file, data.size() - status.bytes, status.bytes));
    }
    return std::span(data).subspan(4);
}

void write_frame(const std::optional<std::vector<std::byte>>& body) {
    if (!body) throw DecodeFailure("the decoded frame cannot be re-encoded at its version");
    const auto n = static_cast<std::uint32_t>(body->size());
    const unsigned char prefix[4] = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                                     static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    std::cout.write(reinterpret_cast<const char*>(prefix), 4);
    std::cout.write(reinterpret_cast<const char*>(body->data()), static_cast<std::streamsize>(body->size()));
    std::cout.flush();
}

template <class Header, class Body>
void print_json(const protocol::ApiInfo& api, std::int16_t version, std::size_t frame_size, const Header& header,
                std::int16_t header_version, const Body& body) {
    protocol::JsonWriter j;
    j.begin_object();
    j.key("frameSize");
    j.value(static_cast<std::uint64_t>(frame_size));
    j.key("apiKey");
    j.value(static_cast<std::int64_t>(api.key));
    j.key("apiName");
    j.value(api.name);
    j.key("apiVersion");
    j.value(static_cast<std::int64_t>(version));
    j.key("headerVersion");
    j.value(static_cast<std::int64_t>(header_version));
    j.key("header");
    header.to_json(j, header_version);
    j.key("body");
    std::visit([&](const auto& m) { m.to_json(j, version); }, body);
    j.end_object();
    std::cout << j.str() << "\n";
}

void run_decode(const DecodeOptions& opt) {
    const auto data = read_input(opt.file);
    const auto frame = single_frame(data, opt);
    if (opt.request) {
        auto decoded = protocol::decode_request(frame, 4);
        if (!decoded) throw DecodeFailure(fmt::format("{}: {}", opt.file, decoded.error().to_string()));
        if (opt.reencode) return write_frame(protocol::encode_request(*decoded));
        const auto& h = decoded->header;
        print_json(*protocol::find_api(h.request_api_key), h.request_api_version, frame.size(), h, decoded->header_version,
                   decoded->body);
        return;
    }
    if (opt.api_key < 0 || opt.api_version < 0) throw DecodeFailure("--response needs --api-key and --api-version");
    const auto key = static_cast<std::int16_t>(opt.api_key);
    const auto version = static_cast<std::int16_t>(opt.api_version);
    auto decoded = protocol::decode_response(key, version, frame, 4);
    if (!decoded) throw DecodeFailure(fmt::format("{}: {}", opt.file, decoded.error().to_string()));
    if (opt.reencode) return write_frame(protocol::encode_response(*decoded));
    print_json(*protocol::find_api(key), version, frame.size(), decoded->header, decoded->header_version, decoded->body);
}

}  // namespace

void add_decode_command(CLI::App& app) {
    auto opt = std::make_shared<DecodeOptions>();
    auto* cmd = app.add_subcommand("decode", "Print a size-prefixed Kafka frame as JSON (or re-encode it)");
    auto* req = cmd->add_flag("--request", opt->request, "the frame is a request (its header names the API)");
    auto* resp = cmd->add_flag("--response", opt->response, "the frame is a response to the API given by --api-key/--api-version");
    req->excludes(resp);
    cmd->add_option("--api-key", opt->api_key, "API key of the request this response answers")->check(CLI::Range(0, 32767));
    cmd->add_option("--api-version", opt->api_version, "API version of that request")->check(CLI::Range(0, 32767));
    cmd->add_flag("--reencode", opt->reencode, "write the re-encoded frame, size prefix included, to stdout");
    cmd->add_option("--max-frame-size", opt->max_frame_size, "largest frame accepted, in bytes");
    cmd->add_option("FILE", opt->file, "the frame, size prefix included ('-' for stdin)")->required();
    cmd->callback([opt] {
        if (!opt->request && !opt->response) throw CLI::ValidationError("decode", "give --request or --response");
        try {
            run_decode(*opt);
        } catch (const DecodeFailure& e) {
            std::cerr << "kgate decode: " << e.what() << "\n";
            throw CLI::RuntimeError(1);
        }
    });
}

}  // namespace kgate::cli

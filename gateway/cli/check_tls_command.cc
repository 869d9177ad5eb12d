#include "gateway/cli/check_tls_command.h"

#include <chrono>
#include <iostream>
#include <memory>

#include "gateway/tls/tls_check.h"

namespace kgate::cli {
namespace {

struct CheckTlsOptions {
    gateway::TlsFilePaths paths;
    std::string ca_bundle;
    std::vector<std::string> hosts;
    bool client = false;
};

}  // namespace

void add_check_tls_command(CLI::App& app) {
    auto options = std::make_shared<CheckTlsOptions>();
    auto* cmd = app.add_subcommand("check-tls", "Check a TLS certificate, its key and CA bundle; print what the certificate says or every problem");
    cmd->add_option("--certificate", options->paths.certificate, "PEM certificate file: the leaf first, then its chain")->required();
    cmd->add_option("--key", options->paths.key, "PEM private key of the certificate (RSA, EC or Ed25519; not encrypted)")->required();
    cmd->add_option("--ca", options->ca_bundle, "PEM CA bundle the chain must verify to");
    cmd->add_option("--host", options->hosts, "a host name or IP address clients will use: is it covered? (repeatable)");
    cmd->add_flag("--client", options->client, "the certificate is a client certificate (verified for clientAuth, not serverAuth)");
    cmd->callback([options] {
        if (!options->ca_bundle.empty()) options->paths.ca_bundle = options->ca_bundle;
        const auto use = options->client ? gateway::CertificateUse::client : gateway::CertificateUse::server;
        const auto outcome = gateway::check_tls_files(options->paths, options->hosts, std::chrono::system_clock::now(), std::cout, std::cerr, use);
        if (!outcome.ok()) throw CLI::RuntimeError(1);
    });
}

}  // namespace kgate::cli

#include "gateway/tls/server_tls_context.h"

#include <gtest/gtest.h>

#include "gateway/tls/test_certificates.h"

namespace kgate::gateway {
namespace {

using testing::CertificateFolder;
using testing::make_certificate;
using testing::make_key;

constexpr long kDay = 24 * 3600;

struct Files : ::testing::Test {
    CertificateFolder folder;
    testing::Key ca_key = make_key();
    testing::Certificate ca = make_certificate(ca_key.get(), "test CA", 1, -kDay, 30 * kDay, nullptr, nullptr, true);
    testing::Key key = make_key();

    // A server certificate signed by the CA, its chain after it.
    ClientTls settings(long serial, long from, long to) {
        auto leaf = make_certificate(key.get(), "127.0.0.1", serial, from, to, ca.get(), ca_key.get());
        ClientTls t;
        t.certificate_file = folder.write_chain("chain-" + std::to_string(serial) + ".pem", {leaf.get(), ca.get()});
        t.key_file = folder.write("key.pem", key.get());
        return t;
    }
};

TEST_F(Files, LoadsAChainAndSaysWhatItServes) {
    std::string error;
    const auto loaded = ServerTlsContext::load(settings(0x1234, -60, kDay), error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->certificate().serial, "1234");
    EXPECT_EQ(loaded->certificate().subject, "CN=127.0.0.1");
    EXPECT_GT(loaded->certificate().expires, std::chrono::system_clock::now());
    EXPECT_EQ(loaded->client_auth(), ClientAuth::none);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(loaded->context().native_handle()), TLS1_2_VERSION);
    EXPECT_NE(SSL_CTX_get_options(loaded->context().native_handle()) & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST_F(Files, WarnsWhenTheAdvertisedHostIsNotCovered) {
    std::string error;
    const auto loaded = ServerTlsContext::load(settings(7, -60, kDay), error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_TRUE(loaded->covers("127.0.0.1"));  // the test certificate's one IP SAN
    EXPECT_FALSE(loaded->uncovered_warning({"127.0.0.1"}));
    const auto warning = loaded->uncovered_warning({"127.0.0.1", "kafka.example.com", "kafka.example.com"});
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("does not cover kafka.example.com, which clients are told"), std::string::npos) << *warning;
    EXPECT_EQ(warning->find("127.0.0.1,"), std::string::npos) << *warning;
}

TEST_F(Files, RefusesAnUnreadableFileNamingSettingAndFile) {
    auto t = settings(1, -60, kDay);
    t.certificate_file = (folder.path() / "missing.pem").string();
    std::string error;
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-certificate: \"" + t.certificate_file + "\" cannot be read"), std::string::npos) << error;

    t = settings(1, -60, kDay);
    t.key_file = (folder.path() / "missing-key.pem").string();
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-key: \"" + t.key_file + "\" cannot be read"), std::string::npos) << error;
}

TEST_F(Files, RefusesFilesThatHoldSomethingElse) {
    auto t = settings(1, -60, kDay);
    t.certificate_file = folder.write_text("not-a-certificate.pem", "hello\n");
    std::string error;
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-certificate: certificate file " + t.certificate_file + ": it is not PEM"), std::string::npos) << error;

    t = settings(1, -60, kDay);
    t.key_file = t.certificate_file;  // a certificate where the key should be
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-key: key file " + t.key_file + ": it holds no private key"), std::string::npos) << error;
}

TEST_F(Files, RefusesAKeyThatDoesNotMatch) {
    auto t = settings(1, -60, kDay);
    auto other = make_key();
    t.key_file = folder.write("other-key.pem", other.get());
    std::string error;
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-key: key file " + t.key_file + " does not match the certificate"), std::string::npos) << error;
    EXPECT_NE(error.find("in " + t.certificate_file), std::string::npos) << error;
}

TEST_F(Files, RefusesExpiredAndNotYetValidCertificates) {
    std::string error;
    EXPECT_FALSE(ServerTlsContext::load(settings(2, -2 * kDay, -kDay), error));
    EXPECT_NE(error.find("expired on"), std::string::npos) << error;
    EXPECT_FALSE(ServerTlsContext::load(settings(3, kDay, 2 * kDay), error));
    EXPECT_NE(error.find("is not valid before"), std::string::npos) << error;
    EXPECT_EQ(error.find("expired on"), std::string::npos) << error;
}

TEST_F(Files, ClientCertificatesNeedAReadableCaBundle) {
    auto t = settings(4, -60, kDay);
    t.client_auth = ClientAuth::required;
    t.client_ca_file = folder.write("ca.pem", ca.get());
    std::string error;
    const auto loaded = ServerTlsContext::load(t, error);
    ASSERT_TRUE(loaded) << error;
    const int mode = SSL_CTX_get_verify_mode(loaded->context().native_handle());
    EXPECT_EQ(mode, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);

    t.client_auth = ClientAuth::optional;
    const auto optional = ServerTlsContext::load(t, error);
    ASSERT_TRUE(optional) << error;
    EXPECT_EQ(SSL_CTX_get_verify_mode(optional->context().native_handle()), SSL_VERIFY_PEER);

    t.client_ca_file = folder.write_text("garbage-ca.pem", "not a CA\n");
    EXPECT_FALSE(ServerTlsContext::load(t, error));
    EXPECT_NE(error.find("tls-client-ca: \"" + t.client_ca_file + "\" holds no PEM CA certificate"), std::string::npos) << error;
}

}  // namespace
}  // namespace kgate::gateway

#include "gateway/tls/tls_files.h"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>

#include "tests/gateway/tls/test_certs.h"

namespace kgate::gateway {
namespace {

using namespace std::chrono_literals;
using test::read_text;
using test::scratch_file;
using test::test_cert;

// Now, when asked: the certificates may have been made after the test started.
SystemTime now() { return std::chrono::system_clock::now(); }

TlsFilePaths paths(const std::string& certificate, const std::string& key, std::optional<std::string> ca = std::nullopt) {
    return TlsFilePaths{certificate, key, std::move(ca)};
}

// The problems of a set that must fail, as (issue, message) for assertions.
TlsFileProblems problems_of(const TlsFilePaths& p, SystemTime at = now(), CertificateUse use = CertificateUse::server) {
    auto result = validate_tls_files(p, at, use);
    EXPECT_FALSE(result.ok()) << "expected problems with " << p.certificate << " and " << p.key;
    return result.ok() ? TlsFileProblems{} : result.error();
}

// The one problem of a set that must fail with exactly one.
TlsFileProblem only_problem(const TlsFilePaths& p, SystemTime at = now(), CertificateUse use = CertificateUse::server) {
    const auto found = problems_of(p, at, use);
    if (found.size() != 1) {
        ADD_FAILURE() << found.size() << " problems where one was expected";
        for (const auto& f : found) ADD_FAILURE() << f.message;
    }
    return found.empty() ? TlsFileProblem{} : found.front();
}

TlsCredentials valid(const TlsFilePaths& p, CertificateUse use = CertificateUse::server) {
    auto result = validate_tls_files(p, now(), use);
    if (!result.ok()) {
        for (const auto& problem : result.error()) ADD_FAILURE() << problem.message;
        return {};
    }
    return std::move(result).value();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string openssl_output(const std::string& args) {
    std::string out;
    FILE* pipe = ::popen(("openssl " + args).c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    ::pclose(pipe);
    return out;
}

TEST(TlsFiles, GoodServerCertificateSaysWhatItHolds) {
    const auto c = valid(paths(test_cert("server.pem"), test_cert("server.key"), test_cert("ca.pem")));
    EXPECT_EQ(c.subject, "CN=*.kafka.test");
    EXPECT_EQ(c.issuer, "CN=kgate test ca");
    EXPECT_EQ(c.dns_names, (std::vector<std::string>{"*.kafka.test", "kafka.test"}));
    EXPECT_EQ(c.ip_addresses, (std::vector<std::string>{"127.0.0.1"}));
    EXPECT_EQ(c.chain_length(), 1u);
    EXPECT_EQ(c.key_type, "RSA 2048");
    EXPECT_EQ(c.not_after - c.not_before, std::chrono::hours(24 * 3650));
    EXPECT_EQ(c.chain.earliest_expiry, c.not_after);
    ASSERT_TRUE(c.ca_bundle.has_value());
    EXPECT_EQ(c.ca_bundle->certificates.size(), 1u);
    EXPECT_NE(c.key, nullptr);
    // The same fingerprint and dates the openssl CLI prints.
    EXPECT_EQ(openssl_output("x509 -noout -fingerprint -sha256 -in " + test_cert("server.pem")), "sha256 Fingerprint=" + c.sha256_fingerprint + "\n");
    const std::string end = openssl_output("x509 -noout -enddate -dateopt iso_8601 -in " + test_cert("server.pem"));
    EXPECT_EQ(end, "notAfter=" + utc_text(c.not_after).substr(0, 19) + "Z\n");
}

TEST(TlsFiles, EcLeafWithItsIntermediateVerifiesToTheRoot) {
    const auto c = valid(paths(test_cert("ec-chain.pem"), test_cert("ec.key"), test_cert("ca.pem")));
    EXPECT_EQ(c.subject, "CN=ec.kafka.test");
    EXPECT_EQ(c.issuer, "CN=kgate test intermediate");
    EXPECT_EQ(c.chain_length(), 2u);
    EXPECT_EQ(c.key_type, "EC P-256");
    EXPECT_LE(c.chain.earliest_expiry, c.not_after);
}

TEST(TlsFiles, Ed25519KeysWork) {
    const auto c = valid(paths(test_cert("ed25519.pem"), test_cert("ed25519.key"), test_cert("ca.pem")));
    EXPECT_EQ(c.key_type, "Ed25519");
    EXPECT_EQ(c.dns_names, std::vector<std::string>{"ed.kafka.test"});
}

TEST(TlsFiles, OneFileMayHoldTheCertificateAndTheKey) {
    const auto both = scratch_file("both.pem", read_text(test_cert("server.pem")) + read_text(test_cert("server.key")));
    EXPECT_EQ(valid(paths(both, both)).subject, "CN=*.kafka.test");
}

TEST(TlsFiles, CaBundleIsNeededOnlyWhenGiven) {
    const auto c = valid(paths(test_cert("server.pem"), test_cert("server.key")));
    EXPECT_FALSE(c.ca_bundle.has_value());
}

TEST(TlsFiles, MissingFilesAreNamedWithTheSystemsReason) {
    const auto found = problems_of(paths("/nonexistent/kgate.pem", "/nonexistent/kgate.key", "/nonexistent/ca.pem"));
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(found[0].issue, TlsFileIssue::unreadable);
    EXPECT_EQ(found[0].path, "/nonexistent/kgate.pem");
    EXPECT_EQ(found[0].message, "certificate file /nonexistent/kgate.pem: cannot be read: No such file or directory");
    EXPECT_EQ(found[1].message, "key file /nonexistent/kgate.key: cannot be read: No such file or directory");
    EXPECT_EQ(found[2].message, "CA bundle /nonexistent/ca.pem: cannot be read: No such file or directory");
}

TEST(TlsFiles, ADirectoryOrNoPathIsUnreadable) {
    const auto dir = only_problem(paths(test::test_certs_dir(), test_cert("server.key")));
    EXPECT_EQ(dir.issue, TlsFileIssue::unreadable);
    EXPECT_TRUE(contains(dir.message, "it is a directory")) << dir.message;
    const auto empty = only_problem(paths(test_cert("server.pem"), ""));
    EXPECT_EQ(empty.issue, TlsFileIssue::unreadable);
    EXPECT_TRUE(contains(empty.message, "no path given")) << empty.message;
}

TEST(TlsFiles, NotPem) {
    const auto text = only_problem(paths(scratch_file("notes.txt", "this is not a certificate\n"), test_cert("server.key")));
    EXPECT_EQ(text.issue, TlsFileIssue::not_pem);
    EXPECT_TRUE(contains(text.message, "not PEM: no -----BEGIN line")) << text.message;
    const auto der = only_problem(paths(test_cert("server.der"), test_cert("server.key")));
    EXPECT_EQ(der.issue, TlsFileIssue::not_pem);
    EXPECT_TRUE(contains(der.message, "looks like DER")) << der.message;
    const auto empty = only_problem(paths(scratch_file("empty.pem", ""), test_cert("server.key")));
    EXPECT_EQ(empty.issue, TlsFileIssue::not_pem);
    EXPECT_TRUE(contains(empty.message, "it is empty")) << empty.message;
}

TEST(TlsFiles, PemWithoutACertificateOrAKey) {
    // Certificate and key swapped: each file is PEM, but holds the other kind.
    const auto found = problems_of(paths(test_cert("server.key"), test_cert("server.pem")));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].issue, TlsFileIssue::no_certificate);
    EXPECT_EQ(found[0].message, "certificate file " + test_cert("server.key") + ": it holds no certificate (PEM blocks found: PRIVATE KEY)");
    EXPECT_EQ(found[1].issue, TlsFileIssue::no_key);
    EXPECT_EQ(found[1].message, "key file " + test_cert("server.pem") + ": it holds no private key (PEM blocks found: CERTIFICATE)");
}

TEST(TlsFiles, DamagedBlocksSayWhichAndWhy) {
    std::string cert = read_text(test_cert("server.pem"));
    cert.replace(cert.find('\n') + 10, 20, "AAAAAAAAAAAAAAAAAAAA");  // valid base64, broken DER
    const std::string chain = read_text(test_cert("ec.pem")) + cert;
    const auto bad_cert = only_problem(paths(scratch_file("damaged.pem", chain), test_cert("ec.key")));
    EXPECT_EQ(bad_cert.issue, TlsFileIssue::bad_certificate);
    EXPECT_TRUE(contains(bad_cert.message, "certificate 2 cannot be read: ")) << bad_cert.message;

    std::string key = read_text(test_cert("server.key"));
    key.replace(key.find('\n') + 10, 20, "AAAAAAAAAAAAAAAAAAAA");
    const auto bad_key = only_problem(paths(test_cert("server.pem"), scratch_file("damaged.key", key)));
    EXPECT_EQ(bad_key.issue, TlsFileIssue::bad_key);
    EXPECT_TRUE(contains(bad_key.message, "the private key cannot be read (damaged, or of a type OpenSSL cannot use): ")) << bad_key.message;
}

TEST(TlsFiles, EncryptedKeysAreRefusedWithTheReason) {
    for (const char* name : {"encrypted.key", "encrypted-traditional.key"}) {
        const auto p = only_problem(paths(test_cert("server.pem"), test_cert(name)));
        EXPECT_EQ(p.issue, TlsFileIssue::encrypted_key) << name;
        EXPECT_TRUE(contains(p.message, "the key is encrypted, and kgate has no passphrase setting")) << p.message;
    }
}

TEST(TlsFiles, AKeyOfAnotherCertificate) {
    const auto rsa = only_problem(paths(test_cert("server.pem"), test_cert("wrong.key")));
    EXPECT_EQ(rsa.issue, TlsFileIssue::key_mismatch);
    EXPECT_EQ(rsa.path, test_cert("wrong.key"));
    EXPECT_EQ(rsa.message, "key file " + test_cert("wrong.key") + " does not match the certificate (CN=*.kafka.test) in " + test_cert("server.pem"));
    // Another key type altogether.
    EXPECT_EQ(only_problem(paths(test_cert("server.pem"), test_cert("ec.key"))).issue, TlsFileIssue::key_mismatch);
    EXPECT_EQ(only_problem(paths(test_cert("ed25519.pem"), test_cert("client.key"))).issue, TlsFileIssue::key_mismatch);
}

TEST(TlsFiles, LeafAfterItsIssuerIsNamed) {
    const auto reversed = scratch_file("reversed.pem", read_text(test_cert("intermediate.pem")) + read_text(test_cert("ec.pem")));
    const auto found = problems_of(paths(reversed, test_cert("ec.key")));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].issue, TlsFileIssue::key_mismatch);
    EXPECT_TRUE(contains(found[0].message, "belongs to certificate 2 (CN=ec.kafka.test)")) << found[0].message;
    EXPECT_TRUE(contains(found[0].message, "the leaf must come first")) << found[0].message;
    EXPECT_EQ(found[1].issue, TlsFileIssue::chain_order);
    EXPECT_TRUE(contains(found[1].message, "certificate 2 (CN=ec.kafka.test) did not issue the certificate (CN=kgate test intermediate)"))
        << found[1].message;
}

TEST(TlsFiles, ExpiredAndNotYetValidWithTheirDates) {
    const auto expired = only_problem(paths(test_cert("expired.pem"), test_cert("expired.key"), test_cert("ca.pem")));
    EXPECT_EQ(expired.issue, TlsFileIssue::expired);
    EXPECT_EQ(expired.message, "certificate file " + test_cert("expired.pem") +
                                   ": the certificate (CN=expired.kafka.test) expired on 2021-01-01 00:00:00 UTC (notAfter)");
    const auto future = only_problem(paths(test_cert("future.pem"), test_cert("future.key"), test_cert("ca.pem")));
    EXPECT_EQ(future.issue, TlsFileIssue::not_yet_valid);
    EXPECT_TRUE(contains(future.message, "is not valid before 2090-01-01 00:00:00 UTC (notBefore)")) << future.message;
}

TEST(TlsFiles, ValidityIsJudgedAtTheGivenTime) {
    const auto p = paths(test_cert("server.pem"), test_cert("server.key"));
    const auto good = valid(p);
    EXPECT_TRUE(validate_tls_files(p, good.not_after).ok());
    EXPECT_EQ(only_problem(p, good.not_after + 1s).issue, TlsFileIssue::expired);
    EXPECT_TRUE(validate_tls_files(p, good.not_before).ok());
    EXPECT_EQ(only_problem(p, good.not_before - 1s).issue, TlsFileIssue::not_yet_valid);
    // The 2020 certificate was fine in 2020.
    const auto in_2020 = std::chrono::system_clock::from_time_t(1593561600);  // 2020-07-01
    EXPECT_TRUE(validate_tls_files(paths(test_cert("expired.pem"), test_cert("expired.key")), in_2020).ok());
}

TEST(TlsFiles, AnExpiredCaIsOpenSslsToReport) {
    const auto ca = read_certificate_file(test_cert("ca.pem"), "CA bundle");
    ASSERT_TRUE(ca.ok());
    const auto found = problems_of(paths(test_cert("server.pem"), test_cert("server.key"), test_cert("ca.pem")), ca->earliest_expiry + 1s);
    const bool said = std::any_of(found.begin(), found.end(), [](const TlsFileProblem& p) {
        return p.issue == TlsFileIssue::untrusted && contains(p.message, "certificate has expired (at depth 1: CN=kgate test ca)");
    });
    EXPECT_TRUE(said);
}

TEST(TlsFiles, ChainThatDoesNotVerifyGivesOpenSslsReason) {
    const auto other = only_problem(paths(test_cert("server.pem"), test_cert("server.key"), test_cert("other-ca.pem")));
    EXPECT_EQ(other.issue, TlsFileIssue::untrusted);
    EXPECT_EQ(other.message, "certificate file " + test_cert("server.pem") + " does not verify to CA bundle " + test_cert("other-ca.pem") +
                                 " as a server certificate: unable to get local issuer certificate (at depth 0: CN=*.kafka.test)");
    // The leaf without the intermediate that issued it.
    const auto alone = scratch_file("ec-alone.pem", read_text(test_cert("ec.pem")));
    const auto missing = only_problem(paths(alone, test_cert("ec.key"), test_cert("ca.pem")));
    EXPECT_EQ(missing.issue, TlsFileIssue::untrusted);
    EXPECT_TRUE(contains(missing.message, "unable to get local issuer certificate")) << missing.message;
}

TEST(TlsFiles, ChainIsVerifiedForItsUse) {
    const auto client_as_server = only_problem(paths(test_cert("client.pem"), test_cert("client.key"), test_cert("ca.pem")));
    EXPECT_EQ(client_as_server.issue, TlsFileIssue::untrusted);
    EXPECT_TRUE(contains(client_as_server.message, "as a server certificate: unsuitable certificate purpose")) << client_as_server.message;
    EXPECT_EQ(valid(paths(test_cert("client.pem"), test_cert("client.key"), test_cert("ca.pem")), CertificateUse::client).subject,
              "CN=kgate-test-client");
}

TEST(TlsFiles, EveryProblemIsReportedAtOnce) {
    const auto found = problems_of(paths(test_cert("expired.pem"), test_cert("wrong.key"), test_cert("other-ca.pem")));
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(found[0].issue, TlsFileIssue::key_mismatch);
    EXPECT_EQ(found[1].issue, TlsFileIssue::expired);
    EXPECT_EQ(found[2].issue, TlsFileIssue::untrusted);  // the expiry is said once, not again as a verify error
    EXPECT_TRUE(contains(found[2].message, "unable to get local issuer certificate")) << found[2].message;
}

TEST(TlsFiles, BadCaBundleIsNamed) {
    const auto found = only_problem(paths(test_cert("server.pem"), test_cert("server.key"), test_cert("server.key")));
    EXPECT_EQ(found.issue, TlsFileIssue::no_certificate);
    EXPECT_EQ(found.path, test_cert("server.key"));
    EXPECT_TRUE(contains(found.message, "CA bundle " + test_cert("server.key") + ": it holds no certificate")) << found.message;
}

TEST(TlsFiles, CertificateFileOnItsOwn) {
    const auto bundle_text = read_text(test_cert("ca.pem")) + read_text(test_cert("other-ca.pem")) + read_text(test_cert("expired.pem"));
    const auto bundle = read_certificate_file(scratch_file("bundle.pem", bundle_text), "CA bundle");
    ASSERT_TRUE(bundle.ok());
    EXPECT_EQ(bundle->certificates.size(), 3u);
    EXPECT_EQ(utc_text(bundle->earliest_expiry), "2021-01-01 00:00:00 UTC");
}

TEST(TlsFiles, HostCoverageFollowsTheSubjectAltNames) {
    const auto server = valid(paths(test_cert("server.pem"), test_cert("server.key")));
    for (const char* host : {"kafka.test", "broker-1.kafka.test", "broker-1834119876.kafka.test", "BROKER-7.Kafka.TEST", "kafka.test.",
                             "bootstrap.kafka.test.", "127.0.0.1"}) {
        EXPECT_TRUE(covers_host(server, host)) << host;
    }
    // A wildcard stands for exactly one label; IP addresses must be listed as such.
    for (const char* host : {"a.b.kafka.test", "kafka.test.evil", "evilkafka.test", "other.test", "test", "127.0.0.2", "::1", "",
                             "kafka.test..", "*.kafka.test.x"}) {
        EXPECT_FALSE(covers_host(server, host)) << host;
    }
    const auto ec = valid(paths(test_cert("ec-chain.pem"), test_cert("ec.key")));
    EXPECT_TRUE(covers_host(ec, "ec.kafka.test"));
    EXPECT_FALSE(covers_host(ec, "kafka.test"));
    // A certificate whose name is only in its subject's CN covers nothing.
    const auto client = valid(paths(test_cert("client.pem"), test_cert("client.key")));
    EXPECT_FALSE(covers_host(client, "kgate-test-client"));
    EXPECT_FALSE(covers_host(TlsCredentials{}, "kafka.test"));
}

TEST(TlsFiles, UtcText) {
    EXPECT_EQ(utc_text(std::chrono::system_clock::from_time_t(0)), "1970-01-01 00:00:00 UTC");
    EXPECT_EQ(utc_text(std::chrono::system_clock::from_time_t(1609459200)), "2021-01-01 00:00:00 UTC");
}

}  // namespace
}  // namespace kgate::gateway

#include "gateway/upstream/scram_client.h"

#include <string>

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

// RFC 7677, section 3: the SCRAM-SHA-256 exchange of user "user" with password "pencil".
constexpr const char* kRfcClientNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char* kRfcServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char* kRfcClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char* kRfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

TEST(ScramClient, ReproducesTheRfc7677Exchange) {
    ScramClient client(ScramHash::sha256, "user", "pencil", kRfcClientNonce);
    EXPECT_EQ(client.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    std::string error;
    const auto final_message = client.client_final(kRfcServerFirst, error);
    ASSERT_TRUE(final_message) << error;
    EXPECT_EQ(*final_message, kRfcClientFinal);
    EXPECT_TRUE(client.server_final_ok(kRfcServerFinal, error)) << error;
}

TEST(ScramClient, AServerThatDoesNotKnowThePasswordIsRefused) {
    ScramClient client(ScramHash::sha256, "user", "pencil", kRfcClientNonce);
    std::string error;
    ASSERT_TRUE(client.client_final(kRfcServerFirst, error)) << error;
    EXPECT_FALSE(client.server_final_ok("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", error));
    EXPECT_NE(error.find("does not match"), std::string::npos) << error;
    EXPECT_FALSE(client.server_final_ok("e=invalid-proof", error));
    EXPECT_NE(error.find("invalid-proof"), std::string::npos) << error;
}

TEST(ScramClient, NoSignatureIsTrustedBeforeTheProofWasMade) {
    ScramClient client(ScramHash::sha512, "user", "pencil", "abc");
    std::string error;
    EXPECT_FALSE(client.server_final_ok("v=", error));
}

TEST(ScramClient, Sha512ProofsDifferFromSha256Ones) {
    ScramClient sha512(ScramHash::sha512, "user", "pencil", kRfcClientNonce);
    std::string error;
    const auto final_message = sha512.client_final(kRfcServerFirst, error);
    ASSERT_TRUE(final_message) << error;
    // Same prefix; a 64-byte proof is 88 base64 characters.
    const std::string prefix = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=";
    ASSERT_EQ(final_message->substr(0, prefix.size()), prefix);
    EXPECT_EQ(final_message->size() - prefix.size(), 88U);
    EXPECT_NE(*final_message, kRfcClientFinal);
}

TEST(ScramClient, UserNamesAreEscaped) {
    ScramClient client(ScramHash::sha512, "a=b,c", "p", "n0");
    EXPECT_EQ(client.client_first(), "n,,n=a=3Db=2Cc,r=n0");
}

TEST(ScramClient, RefusesServerFirstMessagesItMustNotAnswer) {
    std::string error;
    const auto refused = [&](const char* server_first, const char* why) {
        ScramClient client(ScramHash::sha256, "user", "pencil", kRfcClientNonce);
        error.clear();
        EXPECT_FALSE(client.client_final(server_first, error)) << server_first;
        EXPECT_NE(error.find(why), std::string::npos) << server_first << ": " << error;
    };
    refused("r=someoneElsesNonce123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "does not extend");
    refused("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "does not extend");  // nothing of the server's
    refused("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000", "1000 SCRAM iterations");
    refused("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999", "99999999 SCRAM iterations");
    refused("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==", "lacks");
    refused("r=rOprNGfwEbeRWgbNEkqOxyz,s=not base64!,i=4096", "malformed salt");
    refused("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x", "malformed");
    refused("m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "extension");
}

TEST(ScramHashOf, KnowsKafkasTwoMechanisms) {
    EXPECT_EQ(scram_hash("SCRAM-SHA-256"), ScramHash::sha256);
    EXPECT_EQ(scram_hash("SCRAM-SHA-512"), ScramHash::sha512);
    EXPECT_FALSE(scram_hash("PLAIN"));
    EXPECT_FALSE(scram_hash("scram-sha-512"));
}

TEST(ScramNonce, IsFreshEachTimeAndBase64) {
    const auto a = scram_nonce();
    const auto b = scram_nonce();
    EXPECT_EQ(a.size(), 44U);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find(','), std::string::npos);
}

}  // namespace
}  // namespace kgate::gateway

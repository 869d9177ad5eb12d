#pragma once
// What a loaded certificate is, for the log and the admin API: a plain value, no OpenSSL.
#include <chrono>
#include <string>

namespace kgate::gateway {

struct CertificateSummary {
    std::string subject;
    std::string serial;     // hexadecimal, as `openssl x509 -serial` prints it
    std::string not_after;  // e.g. "Dec  3 17:00:00 2027 GMT", as OpenSSL prints it
    std::chrono::system_clock::time_point expires;
    // When each file stops working (the earliest notAfter among its certificates), for the
    // expiry gauge: the certificate file, and the client CA bundle when one is used.
    std::string certificate_file;
    std::chrono::system_clock::time_point certificate_file_expires;
    std::string client_ca_file;  // empty: none
    std::chrono::system_clock::time_point client_ca_file_expires;
};

}  // namespace kgate::gateway

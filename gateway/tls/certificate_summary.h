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
};

}  // namespace kgate::gateway

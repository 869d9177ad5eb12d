#pragma once
// An operator's check of a TLS credential set: what `kgate check-tls` prints, and what
// `kgate check-config` will print once the TLS settings exist. The summary of a good set
// (subject, names, validity, fingerprint, whether each given host name is covered) goes to
// `out`; every problem to `err`, one a line.
#include <ostream>
#include <string>
#include <vector>

#include "gateway/tls/tls_files.h"

namespace kgate::gateway {

struct TlsCheckOutcome {
    bool files_ok = false;         // every file readable and every check passed
    bool hosts_covered = false;    // and every host asked about is in the certificate's names
    bool ok() const { return files_ok && hosts_covered; }
};

TlsCheckOutcome check_tls_files(const TlsFilePaths& paths, const std::vector<std::string>& hosts, SystemTime now, std::ostream& out,
                                std::ostream& err, CertificateUse use = CertificateUse::server);

}  // namespace kgate::gateway

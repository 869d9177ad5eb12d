// Writes every generated message, filled by the test filler, encoded at each of its versions,
// so that an independent implementation (Apache Kafka's own Java classes) can check the bytes.
//   kgate-dump-filled OUT_DIR       writes OUT_DIR/<Name>-v<version>-<mode>.bin and OUT_DIR/manifest.txt
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "test_support/message_registry.h"

namespace fs = std::filesystem;
using kgate::protocol::test_support::TestFiller;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: kgate-dump-filled OUT_DIR\n";
        return 2;
    }
    const fs::path out(argv[1]);
    fs::create_directories(out);
    std::ofstream manifest(out / "manifest.txt");
    int files = 0;
    for (const auto& e : kgate::protocol::test_support::all_message_entries()) {
        for (int v = e.lowest_version; v <= e.highest_version; ++v) {
            for (const auto& [mode, label] : {std::pair{TestFiller::Mode::values, "values"}, std::pair{TestFiller::Mode::nulls_and_empty, "nulls"}}) {
                const auto bytes = e.encode_filled(static_cast<std::int16_t>(v), mode);
                const std::string file = fmt::format("{}-v{}-{}.bin", e.name, v, label);
                std::ofstream f(out / file, std::ios::binary);
                f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
                const bool data_class = e.kind == kgate::protocol::MessageKind::data;
                manifest << e.name << (data_class ? "" : "Data") << ' ' << v << ' ' << file << '\n';
                ++files;
            }
        }
    }
    if (!manifest) {
        std::cerr << "kgate-dump-filled: cannot write " << (out / "manifest.txt") << "\n";
        return 1;
    }
    std::cout << "kgate-dump-filled: " << files << " encoded messages in " << out << "\n";
    return 0;
}

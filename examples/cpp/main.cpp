// Counts with sharedcounter.dll from C++: the header's extern "C" block is
// all it takes. Any argument stops it before the first call: --help prints
// what it does, anything else is refused, and neither touches the counter.
#include <cstdint>
#include <iostream>
#include <string>

#include <sharedcounter.h>

static const char usage[] =
    "usage: example_cpp [--help]\n"
    "Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\nprints the version and what each call returned.\n";

int main(int argc, char **argv)
{
    if (argc > 1) {
        const bool help = argc == 2 && std::string(argv[1]) == "--help";
        if (!help)
            std::cerr << "example_cpp: unknown argument '" << argv[1] << "'\n";
        (help ? std::cout : std::cerr) << usage;
        return help ? 0 : 2;
    }

    const std::uint32_t version = sc_version();
    const std::int64_t delta = -3;

    std::cout << "sc_version: " << (version >> 16) << '.'
              << (version >> 8 & 0xff) << '.' << (version & 0xff) << '\n';
    std::cout << "sc_increment: " << sc_increment() << '\n';
    std::cout << "sc_add(" << delta << "): " << sc_add(delta) << '\n';
    std::cout << "sc_get: " << sc_get() << '\n';
    return version == SC_VERSION_HEX ? 0 : 1;
}

// Counts with sharedcounter.dll from C++: the header's extern "C" block is
// all it takes.
#include <cstdint>
#include <iostream>

#include <sharedcounter.h>

int main()
{
    const std::uint32_t version = sc_version();
    const std::int64_t delta = -3;

    std::cout << "sc_version: " << (version >> 16) << '.'
              << (version >> 8 & 0xff) << '.' << (version & 0xff) << '\n';
    std::cout << "sc_increment: " << sc_increment() << '\n';
    std::cout << "sc_add(" << delta << "): " << sc_add(delta) << '\n';
    std::cout << "sc_get: " << sc_get() << '\n';
    return version == SC_VERSION_HEX ? 0 : 1;
}

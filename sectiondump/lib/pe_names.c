/* Names of PE/COFF constants, as dumpbin spells them. */
#include "sectiondump.h"

const char *sd_pe_machine_name(uint16_t machine)
{
    switch (machine) {
    case 0x014c:
        return "x86";
    case 0x8664:
        return "x64";
    case 0xaa64:
        return "ARM64";
    case 0x01c0:
        return "ARM";
    case 0x01c4:
        return "ARMNT";
    case 0x0200:
        return "IA64";
    case 0xa641:
        return "ARM64EC";
    default:
        return NULL;
    }
}

const char *sd_pe_subsystem_name(uint16_t subsystem)
{
    static const char *const names[] = {
        [1] = "Native",
        [2] = "Windows GUI",
        [3] = "Windows CUI",
        [5] = "OS/2 CUI",
        [7] = "POSIX CUI",
        [9] = "Windows CE GUI",
        [10] = "EFI Application",
        [11] = "EFI Boot Service Driver",
        [12] = "EFI Runtime Driver",
        [13] = "EFI ROM",
        [14] = "Xbox",
        [16] = "Windows Boot Application",
    };
    if (subsystem >= sizeof names / sizeof names[0])
        return NULL;
    return names[subsystem];
}

/*
 * The security of the hardened build's counter mapping: a descriptor that
 * admits one user only, and the check that an existing mapping carries one.
 * Built and read with plain advapi32/kernelbase calls, no SDDL parser, so
 * that both are safe under the loader lock.
 */
#ifndef SC_MAPPING_SECURITY_H
#define SC_MAPPING_SECURITY_H

#include <windows.h>

/* Owner: user. DACL (protected from inheritance): one ACE that allows user
 * FILE_MAP_ALL_ACCESS. Nobody else gets in, short of an administrator. */
struct sc_owner_only_sd {
    SECURITY_DESCRIPTOR sd;
    union {
        ACL acl;
        BYTE bytes[sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) +
                   SECURITY_MAX_SID_SIZE];
    } dacl;
};

/* Builds the descriptor in out. It points into out and at user, so both
 * must outlive its use. Returns 0 or a Win32 error code. */
DWORD sc__owner_only_sd(struct sc_owner_only_sd *out, PSID user);

/* Returns 0 if object is owned by user and its DACL only ever allows user;
 * ERROR_INVALID_OWNER or ERROR_INVALID_SECURITY_DESCR if not (someone else
 * created the name first); or another Win32 error code. */
DWORD sc__check_owner_only(HANDLE object, PSID user);

#endif /* SC_MAPPING_SECURITY_H */

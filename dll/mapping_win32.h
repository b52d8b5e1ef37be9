/*
 * The storage of sharedcounter_hardened.dll: a named file mapping that only
 * the current user can open (docs/security.md). The tests that inspect the
 * mapping name it with the same functions as the DLL.
 */
#ifndef SC_MAPPING_WIN32_H
#define SC_MAPPING_WIN32_H

#include <windows.h>

/* "Local\sharedcounter-" + the SID in hex + "-" + volume + "-" + file id. */
#define SC_MAPPING_NAME_SIZE                                                   \
    (20 + 2 * SECURITY_MAX_SID_SIZE + 1 + 8 + 1 + 16 + 1)

/* The user SID of the calling process's token. */
union sc_user_sid {
    TOKEN_USER token_user;
    BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
};

/* Owner: a user. DACL (protected from inheritance): one ACE that allows
 * that user some access. Nobody else gets in, short of an administrator. */
struct sc_owner_only_sd {
    SECURITY_DESCRIPTOR sd;
    union {
        ACL acl;
        BYTE bytes[sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) +
                   SECURITY_MAX_SID_SIZE];
    } dacl;
};

/* Builds in out the descriptor that allows user access, for the mapping
 * and for the waiters' events. It points into out and at user, so both
 * must outlive its use. Returns 0 or a Win32 error code. */
DWORD sc__owner_only_sd(struct sc_owner_only_sd *out, PSID user, DWORD access);

/* Returns 0 if object (opened with READ_CONTROL) is owned by user and its
 * DACL only ever allows user; ERROR_INVALID_OWNER or
 * ERROR_INVALID_SECURITY_DESCR if not (someone else created the name
 * first); or another Win32 error code. The mapping and the waiters' events
 * are checked alike. */
DWORD sc__check_owner_only(HANDLE object, PSID user);

/* Fills user from the process token. Returns 0 or a Win32 error code. */
DWORD sc__current_user(union sc_user_sid *user);

/* The SID inside user. */
PSID sc__user_sid(union sc_user_sid *user);

/* Writes into name the mapping name for the DLL file at dll_path as seen by
 * the given user. Returns 0 or a Win32 error code (the file cannot be opened).
 */
DWORD sc__mapping_name(const WCHAR *dll_path, PSID user,
                       WCHAR name[SC_MAPPING_NAME_SIZE]);

/* The view of the mapping: NULL until sc__mapping_open has mapped it. */
extern struct sc_shared_storage *sc__mapped_storage;

/* Creates or opens the mapping of the DLL file dll for this user, refusing
 * one that is not this user's alone, and maps its view. Safe under the
 * loader lock. Returns whether the view is mapped; if not, it has told a
 * debugger why, since LoadLibrary reports only ERROR_DLL_INIT_FAILED. */
BOOL sc__mapping_open(HMODULE dll);

/* Gives the view and the mapping back. */
void sc__mapping_close(void);

#endif /* SC_MAPPING_WIN32_H */

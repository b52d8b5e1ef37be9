/*
 * The name of sharedcounter_hardened.dll's counter mapping, shared by the DLL
 * and the tests that inspect the mapping it creates.
 */
#ifndef SC_MAPPING_NAME_H
#define SC_MAPPING_NAME_H

#include <windows.h>

/* "Local\sharedcounter-" + the SID in hex + "-" + volume + "-" + file id. */
#define SC_MAPPING_NAME_SIZE                                                   \
    (20 + 2 * SECURITY_MAX_SID_SIZE + 1 + 8 + 1 + 16 + 1)

/* The user SID of the calling process's token. */
union sc_user_sid {
    TOKEN_USER token_user;
    BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
};

/* Fills user from the process token. Returns 0 or a Win32 error code. */
DWORD sc__current_user(union sc_user_sid *user);

/* The SID inside user. */
PSID sc__user_sid(union sc_user_sid *user);

/* Writes into name the mapping name for the DLL file at dll_path as seen by
 * the given user. Returns 0 or a Win32 error code (the file cannot be opened).
 */
DWORD sc__mapping_name(const WCHAR *dll_path, PSID user,
                       WCHAR name[SC_MAPPING_NAME_SIZE]);

#endif /* SC_MAPPING_NAME_H */

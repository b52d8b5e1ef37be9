/* How the hardened build names its counter mapping; see mapping_name.h. */
#include "mapping_name.h"

DWORD sc__current_user(union sc_user_sid *user)
{
    HANDLE token;
    DWORD size;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return GetLastError();
    BOOL ok = GetTokenInformation(token, TokenUser, user->bytes,
                                  sizeof user->bytes, &size);
    DWORD err = ok ? 0 : GetLastError();
    CloseHandle(token);
    return err;
}

PSID sc__user_sid(union sc_user_sid *user)
{
    return user->token_user.User.Sid;
}

static WCHAR *append_text(WCHAR *at, const WCHAR *text)
{
    while (*text != L'\0')
        *at++ = *text++;
    return at;
}

static WCHAR *append_hex(WCHAR *at, const BYTE *bytes, DWORD count)
{
    static const WCHAR digits[] = L"0123456789abcdef";

    for (DWORD i = 0; i < count; i++) {
        *at++ = digits[bytes[i] >> 4];
        *at++ = digits[bytes[i] & 0xF];
    }
    return at;
}

/* Most significant byte first, so the text reads as the number. */
static WCHAR *append_hex_dword(WCHAR *at, DWORD value)
{
    BYTE bytes[4] = {(BYTE)(value >> 24), (BYTE)(value >> 16),
                     (BYTE)(value >> 8), (BYTE)value};
    return append_hex(at, bytes, sizeof bytes);
}

/* The volume serial number and file index name the file itself, whatever
 * path reached it, just as the loader shares one image section per file. */
static DWORD file_identity(const WCHAR *path, BY_HANDLE_FILE_INFORMATION *info)
{
    HANDLE file =
        CreateFileW(path, FILE_READ_ATTRIBUTES,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD err = GetFileInformationByHandle(file, info) ? 0 : GetLastError();
    CloseHandle(file);
    return err;
}

DWORD sc__mapping_name(const WCHAR *dll_path, PSID user,
                       WCHAR name[SC_MAPPING_NAME_SIZE])
{
    BY_HANDLE_FILE_INFORMATION info;
    DWORD err = file_identity(dll_path, &info);

    if (err != 0)
        return err;
    /* Local\ is the caller's session namespace; the user's SID keeps users
     * who share a session (runas) from colliding on one name. */
    WCHAR *at = append_text(name, L"Local\\sharedcounter-");
    at = append_hex(at, user, GetLengthSid(user));
    *at++ = L'-';
    at = append_hex_dword(at, info.dwVolumeSerialNumber);
    *at++ = L'-';
    at = append_hex_dword(at, info.nFileIndexHigh);
    at = append_hex_dword(at, info.nFileIndexLow);
    *at = L'\0';
    return 0;
}

/*
 * Storage for sharedcounter_hardened.dll: the counter and the process table in
 * a named file mapping in the session namespace that only the current user
 * can open, instead of a shared section that every process of every user can
 * write. This file names the mapping, secures it and maps it.
 *
 * The DLL opens the mapping in DllMain (counter.c), so that
 * sc__mapped_storage is valid before any API call and the hot path stays one
 * Interlocked operation. Under the loader lock this code only calls
 * kernel32/advapi32 functions that neither load a module nor wait for
 * another thread (docs/security.md lists them).
 */
#include "mapping_win32.h"

#include "counter_storage.h"

/* ---- The name ----------------------------------------------------------- */

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

/* ---- The security ------------------------------------------------------- */

/* Built and read with plain advapi32/kernelbase calls, no SDDL parser, so
 * that both are safe under the loader lock. */

/* Builds the descriptor in out. It points into out and at user, so both
 * must outlive its use. Returns 0 or a Win32 error code. */
DWORD sc__owner_only_sd(struct sc_owner_only_sd *out, PSID user, DWORD access)
{
    /* The owner is set explicitly: an elevated administrator's token would
     * otherwise make the Administrators group the owner, and the check
     * below would then refuse the user's own mapping. */
    if (!InitializeSecurityDescriptor(&out->sd, SECURITY_DESCRIPTOR_REVISION) ||
        !InitializeAcl(&out->dacl.acl, sizeof out->dacl, ACL_REVISION) ||
        !AddAccessAllowedAce(&out->dacl.acl, ACL_REVISION, access, user) ||
        !SetSecurityDescriptorOwner(&out->sd, user, FALSE) ||
        !SetSecurityDescriptorDacl(&out->sd, TRUE, &out->dacl.acl, FALSE) ||
        !SetSecurityDescriptorControl(&out->sd, SE_DACL_PROTECTED,
                                      SE_DACL_PROTECTED))
        return GetLastError();
    return 0;
}

/* Deny ACEs could only take access away, but a descriptor we built has
 * none, so anything other than "allow user" means someone else wrote it. */
static BOOL dacl_admits_only(PACL dacl, PSID user)
{
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACCESS_ALLOWED_ACE *ace;
        if (!GetAce(dacl, i, (void **)&ace) ||
            ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE ||
            !EqualSid((PSID)&ace->SidStart, user))
            return FALSE;
    }
    return TRUE;
}

DWORD sc__check_owner_only(HANDLE object, PSID user)
{
    /* Our own descriptor is a few dozen bytes; one that does not fit here
     * was not made by us. */
    union {
        SECURITY_DESCRIPTOR_RELATIVE sd;
        BYTE bytes[512];
    } buf;
    DWORD needed;
    PSID owner;
    PACL dacl;
    BOOL defaulted, present;

    if (!GetKernelObjectSecurity(
            object, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &buf, sizeof buf, &needed))
        return GetLastError() == ERROR_INSUFFICIENT_BUFFER
                   ? ERROR_INVALID_SECURITY_DESCR
                   : GetLastError();
    if (!GetSecurityDescriptorOwner(&buf, &owner, &defaulted) ||
        !GetSecurityDescriptorDacl(&buf, &present, &dacl, &defaulted))
        return GetLastError();
    if (owner == NULL || !EqualSid(owner, user))
        return ERROR_INVALID_OWNER;
    /* A missing or NULL DACL lets everyone in. */
    if (!present || dacl == NULL || !dacl_admits_only(dacl, user))
        return ERROR_INVALID_SECURITY_DESCR;
    return 0;
}

/* ---- The mapping -------------------------------------------------------- */

struct sc_shared_storage *sc__mapped_storage = NULL;

/* Held open for as long as the DLL is loaded: the object manager removes a
 * name when the last handle to it closes, even while views of the mapping
 * remain, and the next process would then create a fresh counter. */
static HANDLE counter_mapping;

/* 32767 characters is the longest path Windows can hand back. */
enum { PATH_CHARS = 32768 };

static DWORD name_for_module(HMODULE module, PSID user,
                             WCHAR name[SC_MAPPING_NAME_SIZE])
{
    WCHAR *path = HeapAlloc(GetProcessHeap(), 0, PATH_CHARS * sizeof *path);
    if (path == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD len = GetModuleFileNameW(module, path, PATH_CHARS);
    DWORD err = (len == 0 || len >= PATH_CHARS) ? ERROR_BAD_PATHNAME : 0;
    if (err == 0)
        err = sc__mapping_name(path, user, name);
    HeapFree(GetProcessHeap(), 0, path);
    return err;
}

/* CreateFileMappingW creates the name or opens it in one atomic step, so two
 * processes starting together cannot both create it. If it already existed,
 * our descriptor was not applied: the object is trusted only if it carries
 * one like it, which nobody but this user (or an administrator) can make. */
static DWORD open_mapping(HANDLE *mapping, const WCHAR *name, PSID user)
{
    struct sc_owner_only_sd sd;
    DWORD err = sc__owner_only_sd(&sd, user, FILE_MAP_ALL_ACCESS);

    if (err != 0)
        return err;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd.sd, FALSE};
    *mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0,
                                  sizeof(struct sc_shared_storage), name);
    if (*mapping == NULL)
        return GetLastError();
    err = sc__check_owner_only(*mapping, user);
    if (err != 0)
        CloseHandle(*mapping);
    return err;
}

static DWORD map_counter(HMODULE module)
{
    union sc_user_sid user;
    WCHAR name[SC_MAPPING_NAME_SIZE];
    HANDLE mapping;
    DWORD err = sc__current_user(&user);

    if (err == 0)
        err = name_for_module(module, sc__user_sid(&user), name);
    if (err == 0)
        err = open_mapping(&mapping, name, sc__user_sid(&user));
    if (err != 0)
        return err;
    /* A new page-file mapping is zero-filled: the counter starts at 0 and
     * every slot of the table is free. */
    struct sc_shared_storage *view =
        MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0,
                      sizeof(struct sc_shared_storage));
    if (view == NULL) {
        err = GetLastError();
        CloseHandle(mapping);
        return err;
    }
    counter_mapping = mapping;
    sc__mapped_storage = view;
    return 0;
}

BOOL sc__mapping_open(HMODULE dll)
{
    DWORD err = map_counter(dll);

    if (err == 0)
        return TRUE;
    /* LoadLibrary reports ERROR_DLL_INIT_FAILED whatever the cause, so a
     * debugger (or DebugView) is told which one it was. */
    OutputDebugStringW(
        err == ERROR_INVALID_OWNER || err == ERROR_INVALID_SECURITY_DESCR
            ? L"sharedcounter_hardened: the counter's name is held by an "
              L"object that is not this user's alone; refusing to load\n"
            : L"sharedcounter_hardened: cannot open the counter mapping\n");
    return FALSE;
}

void sc__mapping_close(void)
{
    UnmapViewOfFile(sc__mapped_storage);
    CloseHandle(counter_mapping);
}

/* Owner-only security for the counter mapping; see mapping_security.h. */
#include "mapping_security.h"

DWORD sc__owner_only_sd(struct sc_owner_only_sd *out, PSID user)
{
    /* The owner is set explicitly: an elevated administrator's token would
     * otherwise make the Administrators group the owner, and the check
     * below would then refuse the user's own mapping. */
    if (!InitializeSecurityDescriptor(&out->sd, SECURITY_DESCRIPTOR_REVISION) ||
        !InitializeAcl(&out->dacl.acl, sizeof out->dacl, ACL_REVISION) ||
        !AddAccessAllowedAce(&out->dacl.acl, ACL_REVISION, FILE_MAP_ALL_ACCESS,
                             user) ||
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

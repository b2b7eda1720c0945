// Errors thrown to JavaScript: the failing syscall, the errno name and text,
// and for EPERM/EACCES the capability that is missing.
#pragma once
#include <napi.h>
#include <string>

namespace sy {

// Builds an Error with .code (errno name), .errno, .syscall and a message
// such as "setsockopt(IP_TRANSPARENT) failed: EPERM (Operation not permitted);
// CAP_NET_ADMIN is needed (run as root or grant cap_net_admin)".
Napi::Error ErrnoError(Napi::Env env, const std::string& syscall, int err);

// Throws ErrnoError(env, syscall, err) as a C++ exception.
[[noreturn]] void ThrowErrno(Napi::Env env, const std::string& syscall, int err);

// Throws a TypeError with code ERR_INVALID_ARG_VALUE.
[[noreturn]] void ThrowArg(Napi::Env env, const std::string& message);

const char* ErrnoName(int err);

}  // namespace sy

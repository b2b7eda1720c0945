// Socket factories: each returns a file descriptor that Node adopts
// (server.listen({fd}), new net.Socket({fd}), dgram bind({fd})).
#pragma once
#include <napi.h>

namespace sy {

// Creates a socket, closing it again if any option fails (so no fd leaks).
// Throws ErrnoError naming the failing call.
int NewSocket(Napi::Env env, int family, int type);
void SetIntOpt(Napi::Env env, int fd, int level, int name, int value, const char* what);
// IP_TRANSPARENT on v4 sockets; IPV6_TRANSPARENT and IP_TRANSPARENT on v6
// ones (so v4-mapped traffic on a dual-stack socket works, mihomo#3098).
void SetTransparent(Napi::Env env, int fd, int family);

Napi::Value CreateTransparentTcpListener(const Napi::CallbackInfo& info);
Napi::Value CreateMarkedTcpSocket(const Napi::CallbackInfo& info);
Napi::Value CreateMarkedUdpSocket(const Napi::CallbackInfo& info);
Napi::Value CloseFd(const Napi::CallbackInfo& info);

}  // namespace sy

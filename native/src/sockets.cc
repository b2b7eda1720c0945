#include "sockets.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "sockaddr.h"

namespace sy {

namespace {

// Closes fd on scope exit unless released: every error path after socket()
// must not leak the descriptor.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) close(fd);
  }
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

int FamilyArg(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) ThrowArg(env, "family must be 4 or 6");
  int f = v.As<Napi::Number>().Int32Value();
  if (f == 4) return AF_INET;
  if (f == 6) return AF_INET6;
  ThrowArg(env, "family must be 4 or 6");
}

uint32_t MarkArg(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) ThrowArg(env, "mark must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    ThrowArg(env, "mark must be an integer 0..0xffffffff");
  }
  return static_cast<uint32_t>(d);
}

void SetMark(Napi::Env env, int fd, uint32_t mark) {
  if (mark == 0) return;
  if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) ThrowErrno(env, "setsockopt(SO_MARK)", errno);
}

}  // namespace

int NewSocket(Napi::Env env, int family, int type) {
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) ThrowErrno(env, "socket", errno);
  return fd;
}

void SetIntOpt(Napi::Env env, int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) ThrowErrno(env, std::string("setsockopt(") + what + ")", errno);
}

void SetTransparent(Napi::Env env, int fd, int family) {
  if (family == AF_INET6) SetIntOpt(env, fd, SOL_IPV6, IPV6_TRANSPARENT, 1, "IPV6_TRANSPARENT");
  SetIntOpt(env, fd, SOL_IP, IP_TRANSPARENT, 1, "IP_TRANSPARENT");
}

// createTransparentTcpListener({host, port, family?, backlog?, mark?, reusePort?, v6only?}) -> fd
// A listening, non-blocking TCP socket that accepts TPROXY'd connections:
// SO_REUSEADDR, IP(V6)_TRANSPARENT, TCP_NODELAY, optional SO_MARK (inherited by accepted
// sockets, so their replies carry the core's routing mark) and SO_REUSEPORT.
Napi::Value CreateTransparentTcpListener(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) ThrowArg(env, "options {host, port} required");
  Napi::Object o = info[0].As<Napi::Object>();
  Napi::Value hostV = o.Get("host");
  Napi::Value portV = o.Get("port");
  if (!hostV.IsString()) ThrowArg(env, "host must be an IP address string");
  if (!portV.IsNumber()) ThrowArg(env, "port must be a number");
  std::string host = hostV.As<Napi::String>().Utf8Value();
  int port = portV.As<Napi::Number>().Int32Value();
  int family = o.Has("family") && !o.Get("family").IsUndefined() ? FamilyArg(env, o.Get("family")) : FamilyOf(host);
  if (family == 0) ThrowArg(env, "host must be an IPv4 or IPv6 address, got " + host);
  int backlog = o.Get("backlog").IsNumber() ? o.Get("backlog").As<Napi::Number>().Int32Value() : 511;
  uint32_t mark = o.Get("mark").IsUndefined() ? 0 : MarkArg(env, o.Get("mark"));
  SockAddr addr;
  if (!ParseAddr(host, port, family, &addr)) ThrowArg(env, "bad listen address " + host + ":" + std::to_string(port));

  FdGuard g{NewSocket(env, family, SOCK_STREAM)};
  SetIntOpt(env, g.fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  if (o.Get("reusePort").ToBoolean()) SetIntOpt(env, g.fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
  if (family == AF_INET6) SetIntOpt(env, g.fd, SOL_IPV6, IPV6_V6ONLY, o.Get("v6only").ToBoolean() ? 1 : 0, "IPV6_V6ONLY");
  SetTransparent(env, g.fd, family);
  // Accepted sockets inherit TCP_NODELAY: the relay wants it on every client
  // side, and one setsockopt here saves one per connection.
  SetIntOpt(env, g.fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
  SetMark(env, g.fd, mark);
  if (bind(g.fd, reinterpret_cast<sockaddr*>(&addr.ss), addr.len) != 0) ThrowErrno(env, "bind(" + host + ":" + std::to_string(port) + ")", errno);
  if (listen(g.fd, backlog) != 0) ThrowErrno(env, "listen", errno);
  return Napi::Number::New(env, g.release());
}

// createMarkedTcpSocket(family, mark) -> fd of an unconnected non-blocking TCP socket with SO_MARK.
Napi::Value CreateMarkedTcpSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int family = FamilyArg(env, info[0]);
  uint32_t mark = MarkArg(env, info[1]);
  FdGuard g{NewSocket(env, family, SOCK_STREAM)};
  SetMark(env, g.fd, mark);
  return Napi::Number::New(env, g.release());
}

// createMarkedUdpSocket(family, mark) -> fd of an unbound non-blocking UDP socket with SO_MARK.
Napi::Value CreateMarkedUdpSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int family = FamilyArg(env, info[0]);
  uint32_t mark = MarkArg(env, info[1]);
  FdGuard g{NewSocket(env, family, SOCK_DGRAM)};
  SetMark(env, g.fd, mark);
  return Napi::Number::New(env, g.release());
}

// closeFd(fd): for an fd that could not be handed to Node.
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) ThrowArg(env, "fd must be a number");
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (fd < 3) ThrowArg(env, "refusing to close fd " + std::to_string(fd));
  if (close(fd) != 0) ThrowErrno(env, "close", errno);
  return env.Undefined();
}

}  // namespace sy

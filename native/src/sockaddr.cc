#include "sockaddr.h"

#include <arpa/inet.h>
#include <cstring>

#include "errors.h"

namespace sy {

int FamilyOf(const std::string& ip) {
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) return AF_INET;
  if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) return AF_INET6;
  return 0;
}

bool ParseAddr(const std::string& ip, int port, int family, SockAddr* out) {
  if (port < 0 || port > 65535) return false;
  std::memset(&out->ss, 0, sizeof(out->ss));
  if (family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out->ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, ip.c_str(), &s->sin_addr) != 1) return false;
    out->len = sizeof(sockaddr_in);
    return true;
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out->ss);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET6, ip.c_str(), &s->sin6_addr) != 1) {
    in_addr a4;
    if (inet_pton(AF_INET, ip.c_str(), &a4) != 1) return false;
    s->sin6_addr.s6_addr[10] = 0xff;
    s->sin6_addr.s6_addr[11] = 0xff;
    std::memcpy(&s->sin6_addr.s6_addr[12], &a4, 4);
  }
  out->len = sizeof(sockaddr_in6);
  return true;
}

std::string FormatIp(const sockaddr* sa, int* port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
    *port = ntohs(s->sin_port);
    return buf;
  }
  auto* s = reinterpret_cast<const sockaddr_in6*>(sa);
  *port = ntohs(s->sin6_port);
  if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) {
    inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

void ReadEndpoint(Napi::Env env, const Napi::Value& v, std::string* ip, int* port, const char* what) {
  if (!v.IsObject()) ThrowArg(env, std::string(what) + " must be an object {ip, port}");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value i = o.Get("ip");
  Napi::Value p = o.Get("port");
  if (!i.IsString()) ThrowArg(env, std::string(what) + ".ip must be a string");
  if (!p.IsNumber()) ThrowArg(env, std::string(what) + ".port must be a number");
  *ip = i.As<Napi::String>().Utf8Value();
  double d = p.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 65535) || d != static_cast<int>(d)) ThrowArg(env, std::string(what) + ".port must be an integer 0-65535");
  *port = static_cast<int>(d);
}

}  // namespace sy

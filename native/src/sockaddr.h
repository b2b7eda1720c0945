// Socket addresses <-> JavaScript (ip string, port). IPv4-mapped IPv6
// addresses are reported as plain IPv4 so callers see one form.
#pragma once
#include <napi.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <string>

namespace sy {

struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family() const { return ss.ss_family; }
};

// Parses ip + port for a socket of `family` (AF_INET / AF_INET6). An IPv4
// address for an AF_INET6 socket becomes ::ffff:a.b.c.d. Returns false on a bad address.
bool ParseAddr(const std::string& ip, int port, int family, SockAddr* out);

// Family of a textual address: AF_INET, AF_INET6 or 0 when it is neither.
int FamilyOf(const std::string& ip);

// Formats the address part (v4-mapped shown as IPv4) and returns the port.
std::string FormatIp(const sockaddr* sa, int* port);

// Reads a {ip/host, port} from a JS object; throws a TypeError when malformed.
void ReadEndpoint(Napi::Env env, const Napi::Value& v, std::string* ip, int* port, const char* what);

}  // namespace sy

#include "transparent_udp.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"
#include "sockaddr.h"
#include "sockets.h"

namespace sy {

namespace {
constexpr int kBatch = 1024;        // at most this many datagrams per readable event (normally until EAGAIN), then yield to the loop
constexpr size_t kBufSize = 65536;  // largest UDP payload

uint32_t ReadMark(Napi::Env env, Napi::Object o) {
  Napi::Value v = o.Get("mark");
  if (v.IsUndefined()) return 0;
  if (!v.IsNumber()) ThrowArg(env, "mark must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) ThrowArg(env, "mark must be an integer 0..0xffffffff");
  return static_cast<uint32_t>(d);
}
}  // namespace

Napi::Function TransparentUdp::Init(Napi::Env env) {
  return DefineClass(env, "TransparentUdp",
                     {InstanceMethod("sendFrom", &TransparentUdp::SendFrom), InstanceMethod("close", &TransparentUdp::Close),
                      InstanceMethod("address", &TransparentUdp::Address), InstanceMethod("ref", &TransparentUdp::Ref),
                      InstanceMethod("unref", &TransparentUdp::Unref),
                      InstanceMethod("replySocketCount", &TransparentUdp::ReplySocketCount)});
}

// new TransparentUdp({host, port, family?, mark?, maxReplySockets?, replyIdleMs?, recvBufferSize?}, onMessage)
TransparentUdp::TransparentUdp(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TransparentUdp>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) ThrowArg(env, "new TransparentUdp(options, onMessage)");
  Napi::Object o = info[0].As<Napi::Object>();
  if (!o.Get("host").IsString() || !o.Get("port").IsNumber()) ThrowArg(env, "options {host, port} required");
  std::string host = o.Get("host").As<Napi::String>().Utf8Value();
  int port = o.Get("port").As<Napi::Number>().Int32Value();
  Napi::Value fam = o.Get("family");
  family_ = fam.IsNumber() ? (fam.As<Napi::Number>().Int32Value() == 6 ? AF_INET6 : AF_INET) : FamilyOf(host);
  if (family_ == 0) ThrowArg(env, "host must be an IPv4 or IPv6 address, got " + host);
  mark_ = ReadMark(env, o);
  if (o.Get("maxReplySockets").IsNumber()) maxReplies_ = std::max(1, o.Get("maxReplySockets").As<Napi::Number>().Int32Value());
  if (o.Get("replyIdleMs").IsNumber()) replyIdleMs_ = std::max(100, o.Get("replyIdleMs").As<Napi::Number>().Int32Value());
  SockAddr addr;
  if (!ParseAddr(host, port, family_, &addr)) ThrowArg(env, "bad listen address " + host + ":" + std::to_string(port));

  int fd = NewSocket(env, family_, SOCK_DGRAM);
  try {
    SetIntOpt(env, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    SetTransparent(env, fd, family_);
    // v4 packets on a dual-stack socket carry IPv4 cmsgs, so enable both.
    SetIntOpt(env, fd, SOL_IP, IP_RECVORIGDSTADDR, 1, "IP_RECVORIGDSTADDR");
    SetIntOpt(env, fd, SOL_IP, IP_RECVTOS, 1, "IP_RECVTOS");
    if (family_ == AF_INET6) {
      SetIntOpt(env, fd, SOL_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
      SetIntOpt(env, fd, SOL_IPV6, IPV6_RECVORIGDSTADDR, 1, "IPV6_RECVORIGDSTADDR");
      SetIntOpt(env, fd, SOL_IPV6, IPV6_RECVTCLASS, 1, "IPV6_RECVTCLASS");
    }
    if (mark_ != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark_, sizeof(mark_)) != 0) ThrowErrno(env, "setsockopt(SO_MARK)", errno);
    // A large receive buffer absorbs bursts between two event-loop turns; with
    // CAP_NET_ADMIN it may exceed net.core.rmem_max (SO_RCVBUFFORCE), else it is capped.
    int rcvbuf = o.Get("recvBufferSize").IsNumber() ? o.Get("recvBufferSize").As<Napi::Number>().Int32Value() : 4 << 20;
    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr.ss), addr.len) != 0) ThrowErrno(env, "bind(" + host + ":" + std::to_string(port) + ")", errno);
  } catch (...) {
    close(fd);
    throw;
  }
  fd_ = fd;
  {
    sockaddr_storage bound{};
    socklen_t blen = sizeof(bound);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &blen) == 0) {
      std::string ip = FormatIp(reinterpret_cast<sockaddr*>(&bound), &listenPort_);
      listenIp_ = (ip == "0.0.0.0" || ip == "::") ? "" : ip;  // "" = wildcard: any address on that port
    }
  }
  buf_.resize(kBufSize);
  onMessage_ = Napi::Persistent(info[1].As<Napi::Function>());
  async_ = std::make_unique<Napi::AsyncContext>(env, "TransparentUdp");
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok) {
    close(fd_);
    fd_ = -1;
    throw Napi::Error::New(env, "napi_get_uv_event_loop failed");
  }
  poll_ = new uv_poll_t;
  uv_poll_init(loop_, poll_, fd_);
  poll_->data = this;
  uv_poll_start(poll_, UV_READABLE, OnPoll);
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  uv_timer_start(timer_, OnTimer, replyIdleMs_ / 2, replyIdleMs_ / 2);
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  self_ = Napi::Persistent(info.This().As<Napi::Object>());  // alive while open
}

TransparentUdp::~TransparentUdp() {
  // Only reached after close() (self_ keeps us alive while open) or at env teardown.
  if (fd_ >= 0) close(fd_);
  for (auto& kv : replies_) close(kv.second.fd);
}

void TransparentUdp::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<TransparentUdp*>(handle->data);
  if (self == nullptr || self->closed_ || status < 0) return;
  self->Drain();
}

void TransparentUdp::Drain() {
  Napi::Env env = Env();
  for (int i = 0; i < kBatch && !closed_; i++) {
    Napi::HandleScope scope(env);  // per datagram: handles never pile up over a long drain
    sockaddr_storage src{};
    char control[256];
    iovec iov{buf_.data(), buf_.size()};
    msghdr msg{};
    msg.msg_name = &src;
    msg.msg_namelen = sizeof(src);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: drained; other errors are per-datagram and transient
    }
    int srcPort = 0, dstPort = -1, dscp = -1;
    std::string srcIp = FormatIp(reinterpret_cast<sockaddr*>(&src), &srcPort);
    std::string dstIp;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_ORIGDSTADDR) ||
          (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_ORIGDSTADDR)) {
        dstIp = FormatIp(reinterpret_cast<sockaddr*>(CMSG_DATA(c)), &dstPort);
      } else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TOS) {
        dscp = (*reinterpret_cast<uint8_t*>(CMSG_DATA(c))) >> 2;
      } else if (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_TCLASS) {
        int tc;
        std::memcpy(&tc, CMSG_DATA(c), sizeof(tc));
        dscp = (tc & 0xff) >> 2;
      }
    }
    Napi::Buffer<char> data = Napi::Buffer<char>::Copy(env, buf_.data(), static_cast<size_t>(n));
    try {
      onMessage_.MakeCallback(Value(),
                              {data, Napi::String::New(env, srcIp), Napi::Number::New(env, srcPort),
                               Napi::String::New(env, dstIp), Napi::Number::New(env, dstPort), Napi::Number::New(env, dscp)},
                              *async_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env, e.Value());  // surfaces as process 'uncaughtException'
      return;
    }
  }
}

int TransparentUdp::ReplySocket(Napi::Env env, const std::string& ip, int port) {
  // Answering from the listener's own address (a datagram sent straight to the
  // TPROXY port): use the listener itself. A second socket bound there with
  // SO_REUSEADDR would take over the listener's traffic.
  if (port == listenPort_ && (listenIp_.empty() || listenIp_ == ip)) return fd_;
  std::string key = ip + "|" + std::to_string(port);
  auto it = replies_.find(key);
  uint64_t now = uv_now(loop_);
  if (it != replies_.end()) {
    it->second.lastUsed = now;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.fd;
  }
  int family = FamilyOf(ip);
  if (family == 0) ThrowArg(env, "from.ip must be an IP address, got " + ip);
  SockAddr addr;
  if (!ParseAddr(ip, port, family, &addr)) ThrowArg(env, "bad from address " + ip);
  int fd = NewSocket(env, family, SOCK_DGRAM);
  try {
    SetIntOpt(env, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    SetTransparent(env, fd, family);
    if (mark_ != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark_, sizeof(mark_)) != 0) ThrowErrno(env, "setsockopt(SO_MARK)", errno);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr.ss), addr.len) != 0) ThrowErrno(env, "bind(" + ip + ":" + std::to_string(port) + ")", errno);
  } catch (...) {
    close(fd);
    throw;
  }
  while (replies_.size() >= maxReplies_ && !lru_.empty()) CloseReply(lru_.back());
  lru_.push_front(key);
  replies_.emplace(key, Reply{fd, now, lru_.begin()});
  return fd;
}

void TransparentUdp::CloseReply(const std::string& key) {
  auto it = replies_.find(key);
  if (it == replies_.end()) return;
  close(it->second.fd);
  lru_.erase(it->second.lru);
  replies_.erase(it);
}

void TransparentUdp::SweepIdle(uint64_t now) {
  while (!lru_.empty()) {
    auto it = replies_.find(lru_.back());
    if (it == replies_.end() || now - it->second.lastUsed < replyIdleMs_) break;
    CloseReply(lru_.back());
  }
}

void TransparentUdp::OnTimer(uv_timer_t* handle) {
  auto* self = static_cast<TransparentUdp*>(handle->data);
  if (self != nullptr && !self->closed_) self->SweepIdle(uv_now(self->loop_));
}

// sendFrom(data, {ip, port} from, {ip, port} to) -> bytes sent
Napi::Value TransparentUdp::SendFrom(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowErrno(env, "sendFrom (socket closed)", EBADF);
  if (info.Length() < 3 || !info[0].IsBuffer()) ThrowArg(env, "sendFrom(data: Buffer, from, to)");
  Napi::Buffer<char> data = info[0].As<Napi::Buffer<char>>();
  std::string fromIp, toIp;
  int fromPort = 0, toPort = 0;
  ReadEndpoint(env, info[1], &fromIp, &fromPort, "from");
  ReadEndpoint(env, info[2], &toIp, &toPort, "to");
  int fd = ReplySocket(env, fromIp, fromPort);
  SockAddr to;
  if (!ParseAddr(toIp, toPort, FamilyOf(fromIp), &to)) ThrowArg(env, "bad to address " + toIp);
  ssize_t n;
  do {
    n = sendto(fd, data.Data(), data.Length(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&to.ss), to.len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) ThrowErrno(env, "sendto(" + toIp + ":" + std::to_string(toPort) + ")", errno);
  return Napi::Number::New(env, static_cast<double>(n));
}

Napi::Value TransparentUdp::Close(const Napi::CallbackInfo& info) {
  if (closed_) return info.Env().Undefined();
  closed_ = true;
  for (auto& kv : replies_) close(kv.second.fd);
  replies_.clear();
  lru_.clear();
  uv_poll_stop(poll_);
  poll_->data = nullptr;
  timer_->data = nullptr;
  uv_timer_stop(timer_);
  // The fd is closed only after libuv has released the poll handle.
  int fd = fd_;
  fd_ = -1;
  poll_->data = reinterpret_cast<void*>(static_cast<intptr_t>(fd));
  uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) {
    close(static_cast<int>(reinterpret_cast<intptr_t>(h->data)));
    delete reinterpret_cast<uv_poll_t*>(h);
  });
  uv_close(reinterpret_cast<uv_handle_t*>(timer_), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  poll_ = nullptr;
  timer_ = nullptr;
  onMessage_.Reset();
  self_.Reset();
  return info.Env().Undefined();
}

// address() -> {ip, port, family} the listener is bound to.
Napi::Value TransparentUdp::Address(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowErrno(env, "address (socket closed)", EBADF);
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) ThrowErrno(env, "getsockname", errno);
  int port = 0;
  Napi::Object o = Napi::Object::New(env);
  o.Set("ip", FormatIp(reinterpret_cast<sockaddr*>(&ss), &port));
  o.Set("port", port);
  o.Set("family", family_ == AF_INET6 ? 6 : 4);
  return o;
}

Napi::Value TransparentUdp::Ref(const Napi::CallbackInfo& info) {
  if (!closed_) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

Napi::Value TransparentUdp::Unref(const Napi::CallbackInfo& info) {
  if (!closed_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

Napi::Value TransparentUdp::ReplySocketCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(replies_.size()));
}

}  // namespace sy

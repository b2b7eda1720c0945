// TransparentUdp: the TPROXY UDP inbound.
//
// Lifecycle: constructed bound and polling (uv_poll on the main loop, so the
// event loop never blocks); every readable event drains with recvmsg until
// EAGAIN (at most kBatch datagrams) and calls onMessage(data, srcIp, srcPort, dstIp,
// dstPort, dscp) with the ORIGINAL destination from IP(V6)_ORIGDSTADDR.
// sendFrom() answers from an arbitrary address through a cached per-source
// socket (IP_TRANSPARENT + SO_REUSEADDR, bound to `from`, never connected so
// TPROXY keeps steering client packets to the listener); the cache is LRU-bounded and
// idle sockets are closed by an unref'd timer. close() is idempotent.
#pragma once
#include <napi.h>
#include <uv.h>

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace sy {

class TransparentUdp : public Napi::ObjectWrap<TransparentUdp> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit TransparentUdp(const Napi::CallbackInfo& info);
  ~TransparentUdp() override;

 private:
  struct Reply {
    int fd;
    uint64_t lastUsed;
    std::list<std::string>::iterator lru;
  };

  Napi::Value SendFrom(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Address(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);
  Napi::Value ReplySocketCount(const Napi::CallbackInfo& info);

  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnTimer(uv_timer_t* handle);
  void Drain();
  int ReplySocket(Napi::Env env, const std::string& ip, int port);
  void CloseReply(const std::string& key);
  void SweepIdle(uint64_t now);

  int fd_ = -1;
  int family_ = 0;
  int listenPort_ = -1;
  std::string listenIp_;  // "" when bound to the wildcard address
  uint32_t mark_ = 0;
  bool closed_ = false;
  size_t maxReplies_ = 256;
  uint64_t replyIdleMs_ = 60000;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  uv_timer_t* timer_ = nullptr;
  Napi::FunctionReference onMessage_;
  Napi::ObjectReference self_;
  std::unique_ptr<Napi::AsyncContext> async_;
  std::vector<char> buf_;
  std::unordered_map<std::string, Reply> replies_;
  std::list<std::string> lru_;  // front = most recently used
};

}  // namespace sy

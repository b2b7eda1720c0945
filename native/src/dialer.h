// Dialer: outbound TCP connects in a native epoll thread, so the kernel work
// a connect() does inline (on veth the SYN, the peer's SYN-ACK and our ACK
// are processed in the calling thread's softirq) leaves the JavaScript thread.
//
// Lifecycle: the constructor starts one thread; dial() queues a connect and
// returns its id; the thread creates the socket (SO_MARK, TCP_NODELAY,
// keepalive after 30 s idle), connects without blocking and, once it is
// established or has failed, reports onDone(id, fd, errnoName) through an
// unref'd threadsafe function: fd >= 0 is a connected, non-blocking socket
// the caller now owns (adopt it with `new net.Socket({fd})`), fd < 0 comes
// with the errno name. cancel(id) abandons a pending dial (no report; a
// report already on its way still comes and its fd must be closed).
// ref()/unref() make the thread's reports keep the event loop alive or not.
// close() stops the thread and closes every pending socket; idempotent.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sockaddr.h"

namespace sy {

class Dialer : public Napi::ObjectWrap<Dialer> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit Dialer(const Napi::CallbackInfo& info);
  ~Dialer() override;

  struct Request {
    uint64_t id;
    SockAddr addr;
    uint32_t mark;
  };
  struct Done {
    uint64_t id;
    int fd;
    int err;
  };

 private:
  Napi::Value Dial(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Pending(const Napi::CallbackInfo& info);
  Napi::Value WakeJs(const Napi::CallbackInfo& info);
  Napi::Value RefJs(const Napi::CallbackInfo& info);
  Napi::Value UnrefJs(const Napi::CallbackInfo& info);

  void Run();
  void Wake();
  void Start(const Request& r);
  void Report(uint64_t id, int fd, int err);
  void Shutdown();

  int epfd_ = -1;
  int evfd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> wakePending_{false};
  bool closed_ = false;
  uint64_t nextId_ = 1;

  // Shared with the JS thread, under mu_.
  std::mutex mu_;
  std::vector<Request> requests_;
  std::vector<uint64_t> cancels_;

  // Thread-only: pending connects, id -> fd.
  std::unordered_map<uint64_t, int> pending_;
  std::atomic<size_t> pendingCount_{0};

  Napi::ThreadSafeFunction tsfn_;
};

}  // namespace sy

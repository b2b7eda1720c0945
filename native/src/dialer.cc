#include "dialer.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "thread_io.h"

namespace sy {

namespace {
constexpr int kMaxEvents = 128;
}  // namespace

Napi::Function Dialer::Init(Napi::Env env) {
  return DefineClass(env, "Dialer",
                     {InstanceMethod("dial", &Dialer::Dial), InstanceMethod("cancel", &Dialer::Cancel),
                      InstanceMethod("close", &Dialer::Close), InstanceMethod("pending", &Dialer::Pending),
                      InstanceMethod("wake", &Dialer::WakeJs), InstanceMethod("ref", &Dialer::RefJs),
                      InstanceMethod("unref", &Dialer::UnrefJs)});
}

// new Dialer(onDone(id, fd, errName))
Dialer::Dialer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Dialer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) ThrowArg(env, "new Dialer(onDone)");
  OpenWakeableEpoll(env, &epfd_, &evfd_);  // data.u64 0 = the wake-up; dial ids start at 1
  tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "Dialer", 0, 1);
  tsfn_.Unref(env);  // ref()'d by the JS wrapper only while dials are awaited
  thread_ = std::thread([this] { Run(); });
}

Dialer::~Dialer() { Shutdown(); }

// dial(family, mark, ip, port, defer?) -> id; defer: the caller batches wake-ups (wake()).
Napi::Value Dialer::Dial(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowArg(env, "the dialer is closed");
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString() || !info[3].IsNumber())
    ThrowArg(env, "dial(family, mark, ip, port)");
  int fam = info[0].As<Napi::Number>().Int32Value();
  if (fam != 4 && fam != 6) ThrowArg(env, "family must be 4 or 6");
  double markD = info[1].As<Napi::Number>().DoubleValue();
  if (!(markD >= 0 && markD <= 4294967295.0) || markD != static_cast<double>(static_cast<uint32_t>(markD)))
    ThrowArg(env, "mark must be an integer 0..0xffffffff");
  std::string ip = info[2].As<Napi::String>().Utf8Value();
  int port = info[3].As<Napi::Number>().Int32Value();
  if (port < 1 || port > 65535) ThrowArg(env, "port must be 1..65535");
  Request r{};
  if (!ParseAddr(ip, port, fam == 6 ? AF_INET6 : AF_INET, &r.addr)) ThrowArg(env, "bad address " + ip);
  r.mark = static_cast<uint32_t>(markD);
  {
    std::lock_guard<std::mutex> lock(mu_);
    r.id = nextId_++;
    requests_.push_back(r);
  }
  if (!(info.Length() > 4 && info[4].ToBoolean())) Wake();
  return Napi::Number::New(env, static_cast<double>(r.id));
}

// cancel(id): a pending dial is closed without a report.
Napi::Value Dialer::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowArg(env, "cancel(id)");
  if (closed_) return env.Undefined();
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancels_.push_back(static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue()));
  }
  Wake();
  return env.Undefined();
}

Napi::Value Dialer::WakeJs(const Napi::CallbackInfo& info) {
  if (!closed_) Wake();
  return info.Env().Undefined();
}

// ref()/unref(): the caller keeps the event loop alive while it waits for dials.
Napi::Value Dialer::RefJs(const Napi::CallbackInfo& info) {
  if (!closed_) tsfn_.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Dialer::UnrefJs(const Napi::CallbackInfo& info) {
  if (!closed_) tsfn_.Unref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Dialer::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

// pending() -> dials in progress (for tests: nothing leaks)
Napi::Value Dialer::Pending(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(pendingCount_.load()));
}

void Dialer::Wake() { WakeThread(wakePending_, evfd_); }

void Dialer::Start(const Request& r) {
  bool connecting = false;
  int err = 0;
  int fd = OpenOutbound(r.addr, r.mark, &connecting, &err);
  if (fd < 0) return Report(r.id, -1, err);
  if (!connecting) return Report(r.id, fd, 0);
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.u64 = r.id;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int e = errno;
    close(fd);
    return Report(r.id, -1, e);
  }
  pending_[r.id] = fd;
  pendingCount_.store(pending_.size());
}

void Dialer::Run() {
  epoll_event evs[kMaxEvents];
  while (!stop_.load()) {
    int n = epoll_wait(epfd_, evs, kMaxEvents, -1);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; i++) {
      uint64_t id = evs[i].data.u64;
      if (id == 0) {
        uint64_t v;
        ssize_t rd = read(evfd_, &v, sizeof(v));
        (void)rd;
        wakePending_.store(false);  // before draining: a request queued after this point wakes us again
        std::vector<Request> reqs;
        std::vector<uint64_t> cancels;
        {
          std::lock_guard<std::mutex> lock(mu_);
          reqs.swap(requests_);
          cancels.swap(cancels_);
        }
        for (const Request& r : reqs) Start(r);
        for (uint64_t c : cancels) {
          auto it = pending_.find(c);
          if (it == pending_.end()) continue;
          epoll_ctl(epfd_, EPOLL_CTL_DEL, it->second, nullptr);
          close(it->second);
          pending_.erase(it);
        }
        pendingCount_.store(pending_.size());
        continue;
      }
      auto it = pending_.find(id);
      if (it == pending_.end()) continue;  // cancelled in this same batch
      int fd = it->second;
      pending_.erase(it);
      pendingCount_.store(pending_.size());
      epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
      int err = 0;
      socklen_t len = sizeof(err);
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        close(fd);
        Report(id, -1, err);
      } else {
        Report(id, fd, 0);
      }
    }
  }
}

void Dialer::Report(uint64_t id, int fd, int err) {
  auto* d = new Done{id, fd, err};
  napi_status s = tsfn_.NonBlockingCall(d, [](Napi::Env env, Napi::Function cb, Done* d) {
    if (env != nullptr && cb != nullptr) {
      try {
        cb.Call({Napi::Number::New(env, static_cast<double>(d->id)), Napi::Number::New(env, d->fd),
                 Napi::String::New(env, d->err ? ErrnoName(d->err) : "")});
      } catch (const Napi::Error& e) {
        e.ThrowAsJavaScriptException();  // reported by Node as uncaught, never a C++ terminate
      }
    } else if (d->fd >= 0) {
      close(d->fd);  // the environment is going away: nobody will adopt it
    }
    delete d;
  });
  if (s != napi_ok) {
    if (fd >= 0) close(fd);
    delete d;
  }
}

void Dialer::Shutdown() {
  if (closed_) return;
  closed_ = true;
  stop_.store(true);
  wakePending_.store(false);
  Wake();
  if (thread_.joinable()) thread_.join();
  for (auto& kv : pending_) close(kv.second);
  pending_.clear();
  pendingCount_.store(0);
  close(epfd_);
  close(evfd_);
  tsfn_.Release();
}

}  // namespace sy

#include "splice_relay.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"
#include "thread_io.h"

namespace sy {

namespace {
constexpr size_t kChunk = 65536;     // bytes asked of one splice() into an empty (default 64 KiB) pipe
constexpr int kBudget = 16;          // chunks per direction per turn before yielding to other connections
constexpr int kMaxEvents = 256;
constexpr int kSweepEveryMs = 1000;  // idle-timeout resolution
// Closed connections are reported in batches: each report wakes the event
// loop (a cross-CPU wake-up, a VM exit here), so at most one per this many ms.
constexpr uint64_t kReportBatchMs = 4;
constexpr size_t kReportBatchMax = 512;

uint64_t NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

const char* SideName(int side) { return side == 0 ? "client" : "remote"; }

uint64_t ReadIdle(Napi::Env env, Napi::Value v) {
  if (!v.IsNumber()) ThrowArg(env, "idleMs must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 1e12)) ThrowArg(env, "idleMs must be 0 (none) .. 1e12");
  return static_cast<uint64_t>(d);
}

// The end of a complete, valid SOCKS5 answer to a pipelined opening (method
// reply, sub-negotiation reply when `auth`, CONNECT reply with BND.ADDR), 0
// when more bytes are needed, -1 when it is invalid. NOTE: must accept exactly
// what outbound/socks5-wire.ts parseSocks5Replies accepts for CONNECT.
long SocksAnswerEnd(const std::vector<char>& v, bool auth) {
  const auto* b = reinterpret_cast<const unsigned char*>(v.data());
  const size_t n = v.size();
  if (n < 2) return 0;
  if (b[0] != 5 || b[1] != (auth ? 2 : 0)) return -1;
  size_t off = 2;
  if (auth) {
    if (n < 4) return 0;
    if ((b[2] != 1 && b[2] != 5) || b[3] != 0) return -1;
    off = 4;
  }
  if (n < off + 1) return 0;
  if (b[off] != 5) return -1;
  if (n < off + 2) return 0;
  if (b[off + 1] != 0) return -1;
  if (n < off + 3) return 0;
  if (b[off + 2] != 0) return -1;
  if (n < off + 4) return 0;
  size_t need;
  switch (b[off + 3]) {
    case 1: need = off + 4 + 4 + 2; break;
    case 4: need = off + 4 + 16 + 2; break;
    case 3:
      if (n < off + 5) return 0;
      if (b[off + 4] == 0) return -1;
      need = off + 5 + b[off + 4] + 2;
      break;
    default: return -1;
  }
  return n >= need ? static_cast<long>(need) : 0;
}

std::string Hex(const std::vector<char>& v) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(v.size() * 2);
  for (char ch : v) {
    auto u = static_cast<unsigned char>(ch);
    out.push_back(d[u >> 4]);
    out.push_back(d[u & 15]);
  }
  return out;
}

std::vector<char> ReadHead(Napi::Env env, Napi::Value v) {
  if (v.IsUndefined() || v.IsNull()) return {};
  if (!v.IsBuffer()) ThrowArg(env, "head must be a Buffer");
  auto b = v.As<Napi::Buffer<char>>();
  return std::vector<char>(b.Data(), b.Data() + b.Length());
}
}  // namespace

Napi::Function SpliceRelay::Init(Napi::Env env) {
  return DefineClass(env, "SpliceRelay",
                     {InstanceMethod("add", &SpliceRelay::Add), InstanceMethod("counts", &SpliceRelay::Counts),
                      InstanceMethod("connect", &SpliceRelay::Connect), InstanceMethod("kill", &SpliceRelay::Kill), InstanceMethod("close", &SpliceRelay::Close),
                      InstanceMethod("stats", &SpliceRelay::Stats), InstanceMethod("wake", &SpliceRelay::WakeJs)});
}

// new SpliceRelay({maxPoolPipes?}, onClosed(id, reason, up, down))
SpliceRelay::SpliceRelay(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SpliceRelay>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) ThrowArg(env, "new SpliceRelay(options, onClosed)");
  Napi::Object o = info[0].As<Napi::Object>();
  Napi::Value pool = o.Get("maxPoolPipes");
  if (!pool.IsUndefined()) {
    if (!pool.IsNumber() || pool.As<Napi::Number>().Int32Value() < 0 || pool.As<Napi::Number>().Int32Value() > 4096)
      ThrowArg(env, "maxPoolPipes must be 0..4096");
    maxPoolPipes_ = static_cast<size_t>(pool.As<Napi::Number>().Int32Value());
  }
  OpenWakeableEpoll(env, &epfd_, &evfd_);  // data.ptr nullptr = the wake-up eventfd
  tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "SpliceRelay", 0, 1);
  tsfn_.Unref(env);  // relayed connections alone never keep the process alive
  thread_ = std::thread([this] { Run(); });
}

SpliceRelay::~SpliceRelay() { Shutdown(); }

Napi::Value SpliceRelay::Add(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowArg(env, "the relay is closed");
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber()) ThrowArg(env, "add(clientFd, remoteFd, idleMs, headUp?, headDown?, defer?)");
  int cfd = info[0].As<Napi::Number>().Int32Value();
  int rfd = info[1].As<Napi::Number>().Int32Value();
  if (cfd < 0 || rfd < 0 || cfd == rfd) ThrowArg(env, "two distinct open fds are needed");
  uint64_t idle = ReadIdle(env, info[2]);
  std::vector<char> headUp = ReadHead(env, info.Length() > 3 ? info[3] : env.Undefined());
  std::vector<char> headDown = ReadHead(env, info.Length() > 4 ? info[4] : env.Undefined());
  int a = fcntl(cfd, F_DUPFD_CLOEXEC, 0);
  if (a < 0) ThrowErrno(env, "dup(client)", errno);
  int b = fcntl(rfd, F_DUPFD_CLOEXEC, 0);
  if (b < 0) {
    int e = errno;
    close(a);
    ThrowErrno(env, "dup(remote)", e);
  }
  // NOTE: no O_NONBLOCK to set: Node's sockets are non-blocking and the flag
  // lives on the file description the dups share (splice also passes SPLICE_F_NONBLOCK).
  auto* c = new Conn();
  c->fd[0] = a;
  c->fd[1] = b;
  c->dir[0].from = a;
  c->dir[0].to = b;
  c->dir[0].head = std::move(headUp);
  c->dir[1].from = b;
  c->dir[1].to = a;
  c->dir[1].head = std::move(headDown);
  c->tag[0] = {c, 0};
  c->tag[1] = {c, 1};
  c->idleMs = idle;
  c->lastActive = NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    c->id = nextId_++;
    conns_[c->id] = c;
    adds_.push_back(c);
  }
  // defer: the caller batches wake-ups (wake() once per event-loop turn).
  if (!(info.Length() > 5 && info[5].ToBoolean())) Wake();
  return Napi::Number::New(env, static_cast<double>(c->id));
}

// connect(clientFd, family, mark, ip, port, idleMs, connectTimeoutMs, headUp?, defer?, opening?, socks?) -> id
Napi::Value SpliceRelay::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowArg(env, "the relay is closed");
  if (info.Length() < 7 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsString() || !info[4].IsNumber())
    ThrowArg(env, "connect(clientFd, family, mark, ip, port, idleMs, connectTimeoutMs, headUp?, defer?, opening?, socks?)");
  int cfd = info[0].As<Napi::Number>().Int32Value();
  if (cfd < 0) ThrowArg(env, "an open client fd is needed");
  int fam = info[1].As<Napi::Number>().Int32Value();
  if (fam != 4 && fam != 6) ThrowArg(env, "family must be 4 or 6");
  double markD = info[2].As<Napi::Number>().DoubleValue();
  if (!(markD >= 0 && markD <= 4294967295.0) || markD != static_cast<double>(static_cast<uint32_t>(markD)))
    ThrowArg(env, "mark must be an integer 0..0xffffffff");
  std::string ip = info[3].As<Napi::String>().Utf8Value();
  int port = info[4].As<Napi::Number>().Int32Value();
  if (port < 1 || port > 65535) ThrowArg(env, "port must be 1..65535");
  uint64_t idle = ReadIdle(env, info[5]);
  uint64_t connectTimeout = ReadIdle(env, info[6]);
  std::vector<char> headUp = ReadHead(env, info.Length() > 7 ? info[7] : env.Undefined());
  std::vector<char> opening = ReadHead(env, info.Length() > 9 ? info[9] : env.Undefined());
  int socks = info.Length() > 10 && info[10].IsNumber() ? info[10].As<Napi::Number>().Int32Value() : 0;
  if (socks < 0 || socks > 2 || (socks != 0 && opening.empty())) ThrowArg(env, "socks must be 0, 1 or 2, with an opening");
  auto* c = new Conn();
  c->opening = std::move(opening);
  c->socks = socks;
  if (!ParseAddr(ip, port, fam == 6 ? AF_INET6 : AF_INET, &c->addr)) {
    delete c;
    ThrowArg(env, "bad address " + ip);
  }
  int a = fcntl(cfd, F_DUPFD_CLOEXEC, 0);
  if (a < 0) {
    delete c;
    ThrowErrno(env, "dup(client)", errno);
  }
  c->fd[0] = a;
  c->dir[0].from = a;
  c->dir[0].head = std::move(headUp);
  c->dir[1].to = a;
  c->tag[0] = {c, 0};
  c->tag[1] = {c, 1};
  c->idleMs = idle;
  c->lastActive = NowMs();
  c->dial = true;
  c->mark = static_cast<uint32_t>(markD);
  c->connectDeadline = c->lastActive + (connectTimeout > 0 ? connectTimeout : 10000);
  {
    std::lock_guard<std::mutex> lock(mu_);
    c->id = nextId_++;
    conns_[c->id] = c;
    adds_.push_back(c);
  }
  if (!(info.Length() > 8 && info[8].ToBoolean())) Wake();
  return Napi::Number::New(env, static_cast<double>(c->id));
}

bool SpliceRelay::StartDial(Conn* c) {
  c->dial = false;
  bool connecting = false;
  int err = 0;
  int fd = OpenOutbound(c->addr, c->mark, &connecting, &err);
  c->connecting = connecting;
  if (fd < 0) {
    Finish(c, std::string("error: connect ") + ErrnoName(err), true);
    return false;
  }
  c->fd[1] = fd;
  c->dir[0].to = fd;
  c->dir[1].from = fd;
  return true;
}

void SpliceRelay::Connected(Conn* c) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    Finish(c, std::string("error: connect ") + ErrnoName(err), true);
    return;
  }
  c->connecting = false;
  c->lastActive = NowMs();
  if (!c->opening.empty()) {
    c->handshaking = true;
    Handshake(c);
    return;
  }
  Pump(c);
}

void SpliceRelay::FailSocks(Conn* c, const char* what) {
  Finish(c, std::string("error: socks5 ") + what + " " + Hex(c->answer), true);
}

void SpliceRelay::Handshake(Conn* c) {
  const int fd = c->fd[1];
  while (c->openingOff < c->opening.size()) {
    ssize_t n = send(fd, c->opening.data() + c->openingOff, c->opening.size() - c->openingOff, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;  // EPOLLOUT resumes us
      return FailSocks(c, ErrnoName(errno));
    }
    c->openingOff += static_cast<size_t>(n);
  }
  if (c->socks == 0) {
    c->handshaking = false;
    Pump(c);
    return;
  }
  for (;;) {
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;  // EPOLLIN resumes us
      return FailSocks(c, ErrnoName(errno));
    }
    if (n == 0) return FailSocks(c, "closed");
    c->answer.insert(c->answer.end(), buf, buf + n);
    long end = SocksAnswerEnd(c->answer, c->socks == 2);
    if (end < 0) return FailSocks(c, "bad");
    if (end == 0) {
      if (c->answer.size() > 1024) return FailSocks(c, "bad");
      continue;
    }
    // Bytes after the answer are the target's first bytes: the client gets them first.
    c->dir[1].head.assign(c->answer.begin() + end, c->answer.end());
    std::vector<char>().swap(c->answer);
    std::vector<char>().swap(c->opening);
    c->handshaking = false;
    c->lastActive = NowMs();
    Pump(c);
    return;
  }
}

// wake(): lets the thread pick up deferred add()s.
Napi::Value SpliceRelay::WakeJs(const Napi::CallbackInfo& info) {
  if (!closed_) Wake();
  return info.Env().Undefined();
}

// counts(id) -> [up, down] or undefined once closed (the final counts came with onClosed).
Napi::Value SpliceRelay::Counts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowArg(env, "counts(id)");
  uint64_t id = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  uint64_t up, down;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return env.Undefined();
    up = it->second->dir[0].bytes.load(std::memory_order_relaxed);
    down = it->second->dir[1].bytes.load(std::memory_order_relaxed);
  }
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(0u, Napi::Number::New(env, static_cast<double>(up)));
  r.Set(1u, Napi::Number::New(env, static_cast<double>(down)));
  return r;
}

// kill(id) -> whether the connection was live; it closes asynchronously (onClosed with "error: killed").
Napi::Value SpliceRelay::Kill(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowArg(env, "kill(id)");
  uint64_t id = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  bool live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live = conns_.count(id) > 0;
    if (live) kills_.push_back(id);
  }
  if (live) Wake();
  return Napi::Boolean::New(env, live);
}

Napi::Value SpliceRelay::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

// stats() -> {connections, pipesOpen, pipesPooled}
Napi::Value SpliceRelay::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  size_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = conns_.size();
  }
  o.Set("connections", Napi::Number::New(env, static_cast<double>(n)));
  o.Set("pipesOpen", Napi::Number::New(env, static_cast<double>(pipesOpen_.load())));
  o.Set("pipesPooled", Napi::Number::New(env, static_cast<double>(pipesPooled_.load())));
  return o;
}

void SpliceRelay::Wake() { WakeThread(wakePending_, evfd_); }

void SpliceRelay::Shutdown() {
  if (closed_) return;
  closed_ = true;
  stop_.store(true);
  wakePending_.store(false);
  Wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& kv : conns_) {
    Conn* c = kv.second;
    for (int s = 0; s < 2; s++)
      if (c->fd[s] >= 0) close(c->fd[s]);
    for (auto& d : c->dir)
      if (d.pipe.r >= 0) {
        close(d.pipe.r);
        close(d.pipe.w);
      }
    delete c;
  }
  conns_.clear();
  adds_.clear();
  for (auto& p : pool_) {
    close(p.r);
    close(p.w);
  }
  pool_.clear();
  for (Conn* c : graveyard_) delete c;
  graveyard_.clear();
  close(epfd_);
  close(evfd_);
  tsfn_.Release();
}

void SpliceRelay::Run() {
  epoll_event evs[kMaxEvents];
  uint64_t lastSweep = NowMs();
  while (!stop_.load()) {
    int timeout = again_.empty() ? kSweepEveryMs / 4 : 0;
    if (!reports_.empty() && timeout > 0) {
      uint64_t due = reportsSince_ + kReportBatchMs;
      uint64_t now = NowMs();
      timeout = due > now ? static_cast<int>(due - now) : 0;
    }
    int n = epoll_wait(epfd_, evs, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == nullptr) {
        uint64_t v;
        ssize_t r = read(evfd_, &v, sizeof(v));
        (void)r;
        wakePending_.store(false);  // before draining: a command queued after this point wakes us again
        DrainCommands();
        continue;
      }
      auto* t = static_cast<Tag*>(evs[i].data.ptr);
      Conn* c = t->conn;
      if (c->dead) continue;
      if (c->connecting || c->handshaking) {
        // Client events wait: once connected (and the handshake done) both
        // directions are pumped until EAGAIN, so no edge is lost.
        if (t->side == 1) {
          if (c->connecting) Connected(c);
          else Handshake(c);
        }
        continue;
      }
      if (evs[i].events & EPOLLERR) {
        int e = 0;
        socklen_t len = sizeof(e);
        getsockopt(c->fd[t->side], SOL_SOCKET, SO_ERROR, &e, &len);
        if (e != 0) {
          Finish(c, std::string("error: ") + SideName(t->side) + " " + ErrnoName(e), true);
          continue;
        }
      }
      // Only the directions this event can unblock: readable -> the one reading
      // this side; writable -> the one writing to it (half the syscalls per ACK).
      unsigned dirs = 0;
      if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) dirs |= 1u << t->side;
      if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) dirs |= 1u << (1 - t->side);
      Pump(c, dirs);
    }
    // Connections that used their budget run again after everyone else had a turn.
    for (size_t k = again_.size(); k > 0; k--) {
      Conn* c = again_.front();
      again_.pop_front();
      c->queued = false;
      unsigned dirs = c->againDirs;
      c->againDirs = 0;
      if (!c->dead) Pump(c, dirs);
    }
    uint64_t now = NowMs();
    if (!reports_.empty() && (now - reportsSince_ >= kReportBatchMs || reports_.size() >= kReportBatchMax)) FlushReports();
    if (now - lastSweep >= kSweepEveryMs) {
      lastSweep = now;
      SweepIdle(now);
    }
    if (!graveyard_.empty()) {
      std::vector<Conn*> keep;
      for (Conn* c : graveyard_) {
        if (c->queued) keep.push_back(c);
        else delete c;
      }
      graveyard_.swap(keep);
    }
  }
}

void SpliceRelay::DrainCommands() {
  std::vector<Conn*> adds;
  std::vector<uint64_t> kills;
  {
    std::lock_guard<std::mutex> lock(mu_);
    adds.swap(adds_);
    kills.swap(kills_);
  }
  for (Conn* c : adds) {
    if (c->dead) continue;  // killed before the thread saw it
    if (c->dial && !StartDial(c)) continue;
    c->registered = true;
    for (int s = 0; s < 2; s++) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      ev.data.ptr = &c->tag[s];
      if (epoll_ctl(epfd_, EPOLL_CTL_ADD, c->fd[s], &ev) != 0) {
        Finish(c, std::string("error: ") + SideName(s) + " epoll " + ErrnoName(errno), true);
        break;
      }
    }
    if (c->dead || c->connecting) continue;
    if (!c->opening.empty() && c->openingOff == 0 && !c->handshaking) {
      c->handshaking = true;  // connected at once (loopback)
      Handshake(c);
    } else {
      Pump(c);
    }
  }
  for (uint64_t id : kills) {
    Conn* c = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = conns_.find(id);
      if (it != conns_.end()) c = it->second;
    }
    if (c != nullptr && !c->dead) Finish(c, "error: killed", true);  // RST: both peers learn at once, even half-open ones
  }
}

void SpliceRelay::SweepIdle(uint64_t now) {
  std::vector<Conn*> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& kv : conns_) {
      Conn* c = kv.second;
      if (!c->registered || c->dead) continue;
      if (c->connecting || c->handshaking ? now >= c->connectDeadline : (c->idleMs > 0 && now - c->lastActive >= c->idleMs)) idle.push_back(c);
    }
  }
  for (Conn* c : idle) {
    if (c->connecting) Finish(c, "error: connect ETIMEDOUT", true);
    else if (c->handshaking) FailSocks(c, "timeout");
    else Finish(c, "timeout", false);
  }
}

bool SpliceRelay::Pump(Conn* c, unsigned dirs) {
  if (c->connecting || c->handshaking) return true;
  unsigned more = 0;  // directions that used their budget
  for (int k = 0; k < 2; k++) {
    if (!(dirs & (1u << k))) continue;
    int err = 0;
    int side = -1;
    int r = PumpDir(c, c->dir[k], &err, &side);
    if (r < 0) {
      if (side < 0) Finish(c, std::string("error: pipe ") + ErrnoName(err), true);
      else Finish(c, std::string("error: ") + SideName(side) + " " + ErrnoName(err), true);
      return false;
    }
    if (r == 1) more |= 1u << k;
  }
  if (c->dir[0].shut && c->dir[1].shut) {
    Finish(c, "closed", false);
    return false;
  }
  c->againDirs |= more;
  if (more && !c->queued) {
    c->queued = true;
    again_.push_back(c);
  }
  return true;
}

int SpliceRelay::PumpDir(Conn* c, Dir& d, int* err, int* errSide) {
  const int fromSide = d.from == c->fd[0] ? 0 : 1;
  const int toSide = 1 - fromSide;
  int budget = kBudget;
  for (;;) {
    if (d.headOff < d.head.size()) {
      ssize_t n = send(d.to, d.head.data() + d.headOff, d.head.size() - d.headOff, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return 0;
        *err = errno;
        *errSide = toSide;
        return -1;
      }
      d.headOff += static_cast<size_t>(n);
      d.bytes.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      c->lastActive = NowMs();
      if (d.headOff == d.head.size()) std::vector<char>().swap(d.head), d.headOff = 0;
      continue;
    }
    if (d.inPipe > 0) {
      ssize_t n = splice(d.pipe.r, nullptr, d.to, nullptr, d.inPipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return 0;  // `to` is full: EPOLLOUT resumes us
        *err = errno;
        *errSide = toSide;
        return -1;
      }
      d.inPipe -= static_cast<size_t>(n);
      d.bytes.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      c->lastActive = NowMs();
      continue;
    }
    if (d.eof) {
      if (!d.shut) {
        shutdown(d.to, SHUT_WR);  // half-close carried across; ENOTCONN when the peer is gone is fine
        d.shut = true;
      }
      GivePipe(&d.pipe, true);
      return 0;
    }
    if (budget-- <= 0) return 1;
    if (d.pipe.r < 0 && !TakePipe(&d.pipe)) {
      *err = errno;
      *errSide = -1;
      return -1;
    }
    ssize_t n = splice(d.from, nullptr, d.pipe.w, nullptr, kChunk, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      d.inPipe = static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      d.eof = true;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      GivePipe(&d.pipe, true);  // drained: an idle connection holds no pipe
      return 0;
    }
    *err = errno;
    *errSide = fromSide;
    return -1;
  }
}

void SpliceRelay::Finish(Conn* c, const std::string& reason, bool reset) {
  if (c->dead) return;
  c->dead = true;
  for (int s = 0; s < 2; s++) {
    if (c->fd[s] < 0) continue;  // a connect() entry whose remote was never created
    if (c->registered) epoll_ctl(epfd_, EPOLL_CTL_DEL, c->fd[s], nullptr);
    if (reset) {
      // An error on one side resets the other so its peer learns at once.
      linger l{1, 0};
      setsockopt(c->fd[s], SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(c->fd[s]);
  }
  for (auto& d : c->dir) GivePipe(&d.pipe, d.inPipe == 0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns_.erase(c->id);
  }
  graveyard_.push_back(c);
  Report(Closed{c->id, reason, c->dir[0].bytes.load(), c->dir[1].bytes.load()});
}

bool SpliceRelay::TakePipe(Pipe* p) {
  if (!pool_.empty()) {
    *p = pool_.back();
    pool_.pop_back();
    pipesPooled_.store(pool_.size());
    return true;
  }
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return false;
  p->r = fds[0];
  p->w = fds[1];
  pipesOpen_.fetch_add(1);
  return true;
}

void SpliceRelay::GivePipe(Pipe* p, bool clean) {
  if (p->r < 0) return;
  if (clean && pool_.size() < maxPoolPipes_) {
    pool_.push_back(*p);
    pipesPooled_.store(pool_.size());
  } else {
    close(p->r);
    close(p->w);
    pipesOpen_.fetch_sub(1);
  }
  p->r = p->w = -1;
}

void SpliceRelay::Report(Closed&& closed) {
  if (stop_.load()) return;
  if (reports_.empty()) reportsSince_ = NowMs();
  reports_.push_back(std::move(closed));
}

void SpliceRelay::FlushReports() {
  if (reports_.empty() || stop_.load()) return;
  auto* data = new std::vector<Closed>();
  data->swap(reports_);
  napi_status s = tsfn_.NonBlockingCall(data, [](Napi::Env env, Napi::Function cb, std::vector<Closed>* batch) {
    if (env != nullptr && cb != nullptr) {
      for (const Closed& d : *batch) {
        try {
          cb.Call({Napi::Number::New(env, static_cast<double>(d.id)), Napi::String::New(env, d.reason),
                   Napi::Number::New(env, static_cast<double>(d.up)), Napi::Number::New(env, static_cast<double>(d.down))});
        } catch (const Napi::Error& e) {
          e.ThrowAsJavaScriptException();  // reported by Node as uncaught; the rest of the batch is not lost
          break;
        }
      }
    }
    delete batch;
  });
  if (s != napi_ok) delete data;
}

}  // namespace sy

// SpliceRelay: relays established TCP connections in a native epoll thread
// with splice() through pipes, so the bytes of a relayed flow never enter
// JavaScript (reference.md §7.1).
//
// Lifecycle: the constructor starts one thread; add() takes two connected,
// non-blocking socket fds (it dup()s them, so the caller then destroys its
// Node sockets, which closes only Node's fd and sends nothing), plus optional
// bytes to write first each way (sniffed ClientHello, bytes Node buffered).
// The thread relays each direction until EOF, then shutdown(SHUT_WR)s the
// other side (half-close); when both directions are done, or on an error, an
// idle timeout or kill(), it closes both fds and reports
// onClosed(id, reason, up, down) through an unref'd threadsafe function.
// Reports are batched (at most one wake-up of the event loop every few ms);
// counts(id) reads the live byte counts at any time. close() stops the thread
// and closes every relayed connection without callbacks; idempotent.
//
// connect(clientFd, family, mark, ip, port, idleMs, connectTimeoutMs, headUp?,
// defer?) is add() for a remote the thread dials itself (SO_MARK,
// TCP_NODELAY, keepalive): the connection never passes through Node, and a
// failed connect ends it with "error: connect <ERRNO>" (the client is reset).
// With an opening (a SOCKS5 greeting + CONNECT), the thread also does the
// SOCKS5 handshake; a refused, malformed or missing answer ends it with
// "error: socks5 <bad|closed|timeout|ERRNO> <answer bytes in hex>", which
// JavaScript turns into the coded error (outbound/socks5-wire.ts).
//
// Resources: 2 fds per connection; a pipe pair (2 fds, default size) only
// while bytes are in flight, taken from and returned to a small shared pool
// (reference.md §7.3: fd and pipe-page limits).
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sockaddr.h"

namespace sy {

class SpliceRelay : public Napi::ObjectWrap<SpliceRelay> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit SpliceRelay(const Napi::CallbackInfo& info);
  ~SpliceRelay() override;

  struct Pipe {
    int r = -1;
    int w = -1;
  };
  // One direction: bytes from `from` to `to`.
  struct Dir {
    int from = -1;
    int to = -1;
    Pipe pipe;
    size_t inPipe = 0;
    std::vector<char> head;  // written before splicing starts
    size_t headOff = 0;
    bool eof = false;
    bool shut = false;
    std::atomic<uint64_t> bytes{0};
  };
  struct Conn;
  // What epoll reports: the connection and which of its fds.
  struct Tag {
    Conn* conn;
    int side;  // 0 = client, 1 = remote
  };
  struct Conn {
    uint64_t id = 0;
    int fd[2] = {-1, -1};
    Dir dir[2];  // 0: client -> remote (upload), 1: remote -> client (download)
    Tag tag[2];
    uint64_t idleMs = 0;
    uint64_t lastActive = 0;
    bool dead = false;
    bool queued = false;  // in the run-again list (a busy direction yielded)
    unsigned againDirs = 0;  // directions to run again
    bool registered = false;  // added to epoll by the thread
    // connect(): the thread creates and connects the remote socket itself.
    bool dial = false;        // still to be created by the thread
    bool connecting = false;  // connect() in progress: nothing is pumped yet
    uint64_t connectDeadline = 0;
    SockAddr addr;
    uint32_t mark = 0;
    // A SOCKS5 upstream: `opening` (greeting, sub-negotiation, CONNECT, as
    // outbound/socks5-wire.ts builds it) is sent once connected, the answer
    // is read and checked (SocksAnswerEnd) before anything is relayed.
    int socks = 0;  // 0 = none, 1 = NO AUTH answer expected, 2 = USERNAME/PASSWORD
    bool handshaking = false;
    std::vector<char> opening;
    size_t openingOff = 0;
    std::vector<char> answer;
  };
  struct Closed {
    uint64_t id;
    std::string reason;
    uint64_t up;
    uint64_t down;
  };

 private:
  Napi::Value Add(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Counts(const Napi::CallbackInfo& info);
  Napi::Value Kill(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value WakeJs(const Napi::CallbackInfo& info);

  void Run();
  void Wake();
  // Moves bytes in `dirs` (bit 0: upload, bit 1: download) until nothing more can move now; false = closed.
  bool Pump(Conn* c, unsigned dirs = 3);
  // One direction; returns 0 = blocked/done, 1 = budget used up (run again), -1 = error (errno in *err).
  int PumpDir(Conn* c, Dir& d, int* err, int* errSide);
  void Finish(Conn* c, const std::string& reason, bool reset);
  bool TakePipe(Pipe* p);
  void GivePipe(Pipe* p, bool clean);
  void DrainCommands();
  // Creates and connects the remote socket of a connect() entry; false = failed (finished).
  bool StartDial(Conn* c);
  // The remote side of a connecting entry became writable or failed.
  void Connected(Conn* c);
  // Sends the SOCKS5 opening and reads the answer; relays once it is complete and valid.
  void Handshake(Conn* c);
  void FailSocks(Conn* c, const char* what);
  void SweepIdle(uint64_t now);
  // Queues a closed report; FlushReports() hands the batch to JavaScript.
  void Report(Closed&& closed);
  void FlushReports();
  void Shutdown();

  int epfd_ = -1;
  int evfd_ = -1;
  size_t maxPoolPipes_ = 64;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  // A wake-up is already on its way: later add()/kill() calls skip the eventfd write (a VM exit on this machine).
  std::atomic<bool> wakePending_{false};
  bool closed_ = false;
  uint64_t nextId_ = 1;

  // Shared with the JS thread, under mu_: the live table and queued commands.
  std::mutex mu_;
  std::unordered_map<uint64_t, Conn*> conns_;
  std::vector<uint64_t> kills_;
  std::vector<Conn*> adds_;

  // Thread-only state.
  std::vector<Pipe> pool_;
  std::vector<Conn*> graveyard_;
  std::deque<Conn*> again_;
  std::vector<Closed> reports_;  // closed, not yet reported (batched, kReportBatchMs)
  uint64_t reportsSince_ = 0;
  std::atomic<size_t> pipesOpen_{0};
  std::atomic<size_t> pipesPooled_{0};

  Napi::ThreadSafeFunction tsfn_;
};

}  // namespace sy

// What the native worker threads (Dialer, SpliceRelay) share: an epoll set
// with a wake-up eventfd, the coalesced wake-up, and the outbound TCP socket
// as the core dials it.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>

#include "sockaddr.h"

namespace sy {

// Creates an epoll set holding a non-blocking eventfd, registered with
// data.u64 = 0 (data.ptr = nullptr): the thread's wake-up. Throws a JS error
// naming the failed syscall.
void OpenWakeableEpoll(Napi::Env env, int* epfd, int* evfd);

// Signals the eventfd unless a wake-up is already pending; the thread clears
// `pending` before it drains its queue, so nothing queued after is missed.
void WakeThread(std::atomic<bool>& pending, int evfd);

// A non-blocking outbound TCP socket: SO_MARK (when mark != 0), TCP_NODELAY,
// keepalive after 30 s idle (as Node's setKeepAlive(true, 30000) in
// outbound/dial.ts), connect() started. Returns the fd, with *connecting
// true while the connect is in progress; or -1 with the errno in *err.
int OpenOutbound(const SockAddr& addr, uint32_t mark, bool* connecting, int* err);

}  // namespace sy

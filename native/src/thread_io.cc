#include "thread_io.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "errors.h"

namespace sy {

namespace {
constexpr int kKeepIdleSec = 30;
}  // namespace

void OpenWakeableEpoll(Napi::Env env, int* epfd, int* evfd) {
  *epfd = epoll_create1(EPOLL_CLOEXEC);
  if (*epfd < 0) ThrowErrno(env, "epoll_create1", errno);
  *evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (*evfd < 0) {
    int e = errno;
    close(*epfd);
    ThrowErrno(env, "eventfd", e);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  epoll_ctl(*epfd, EPOLL_CTL_ADD, *evfd, &ev);
}

void WakeThread(std::atomic<bool>& pending, int evfd) {
  if (pending.exchange(true)) return;
  uint64_t one = 1;
  ssize_t n = write(evfd, &one, sizeof(one));
  (void)n;
}

int OpenOutbound(const SockAddr& addr, uint32_t mark, bool* connecting, int* err) {
  int fd = socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = errno;
    return -1;
  }
  int one = 1;
  int idle = kKeepIdleSec;
  if ((mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) != 0) {
    *err = errno;
    close(fd);
    return -1;
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr.ss), addr.len) == 0) {
    *connecting = false;
    return fd;
  }
  if (errno == EINPROGRESS) {
    *connecting = true;
    return fd;
  }
  *err = errno;
  close(fd);
  return -1;
}

}  // namespace sy

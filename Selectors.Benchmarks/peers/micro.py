"""The CPython microbenchmark, the same as micro.c: time per select(0) call of selectors.EpollSelector, PollSelector
and SelectSelector with N registered UDP sockets of which K hold a datagram (so stay readable).
Usage: python3 micro.py BACKEND N K SECONDS   (BACKEND: epoll | poll | select | register_pair)
Prints: BACKEND N K ns_per_call calls   (ns of this thread's CPU time per call; the machine is shared)"""
import selectors
import socket
import sys
import time

CLASSES = {"epoll": selectors.EpollSelector, "poll": selectors.PollSelector, "select": selectors.SelectSelector,
           "register_pair": selectors.EpollSelector}


def ready_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.sendto(b"x", s.getsockname())
    return s


def main():
    backend, n, k, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    stride = n // k if k else n + 1
    socks = [ready_socket() if k and i % stride == 0 and i // stride < k else socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
             for i in range(n)]
    sel = CLASSES[backend]()
    if backend == "register_pair":
        idle = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        op = lambda: (sel.register(idle, selectors.EVENT_READ), sel.unregister(idle))
    else:
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
        assert len(sel.select(0)) == k
        op = lambda: sel.select(0)
    calls, batch = 0, 64
    t0 = time.thread_time_ns()
    end = t0 + int(seconds * 1e9)
    t = t0
    while t < end and calls < 100_000_000:
        for _ in range(batch):
            op()
        calls += batch
        t = time.thread_time_ns()
    print(f"{backend} {n} {k} {(t - t0) / calls:.1f} {calls}")


if __name__ == "__main__":
    main()

/* The C microbenchmark: time per call of epoll_wait, poll and select with N registered descriptors of which K are
 * ready (read interest, zero timeout), the loop a C program would write: epoll_wait into a buffer sized N, poll over
 * the whole pollfd array then a scan for revents, select on a copy of the fd_set then a scan up to maxfd.
 * Idle descriptors are unbound UDP sockets (one fd each, never readable); ready ones are UDP sockets holding one
 * datagram that is never read, so they stay readable (level-triggered).
 * Also times an epoll_ctl ADD+DEL pair ("epoll_ctl_pair", N ignored).
 * Usage: micro BACKEND N K SECONDS   (BACKEND: epoll | poll | select | epoll_ctl_pair)
 * Prints: BACKEND N K ns_per_call calls   (ns of this thread's CPU time per call) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* This thread's CPU time, not the wall clock: the machine is shared, and time spent descheduled is not the call's cost. */
static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int ready_socket(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0) { perror("udp"); exit(1); }
    if (sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof a) != 1) { perror("sendto"); exit(1); }
    return fd;
}

static volatile long sink; /* keeps the result scans from being optimised away */

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: micro BACKEND N K SECONDS\n"); return 2; }
    const char *backend = argv[1];
    int n = atoi(argv[2]), k = atoi(argv[3]);
    double seconds = atof(argv[4]);
    if (n < k || k < 0 || n > 20000) { fprintf(stderr, "bad N/K\n"); return 2; }
    int *fds = malloc(sizeof(int) * (size_t)n);
    /* Ready ones spread evenly, so no backend gets them all at the front of its scan. */
    int stride = k ? n / k : n + 1;
    for (int i = 0; i < n; i++)
        fds[i] = (k && i % stride == 0 && i / stride < k) ? ready_socket() : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event *evs = calloc((size_t)n, sizeof *evs);
    struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
    fd_set master, work;
    FD_ZERO(&master);
    int maxfd = 0;
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };
        if (strcmp(backend, "epoll") == 0) epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
        pfds[i].fd = fds[i];
        pfds[i].events = POLLIN;
        if (strcmp(backend, "select") == 0) {
            if (fds[i] >= FD_SETSIZE) { fprintf(stderr, "fd %d >= FD_SETSIZE\n", fds[i]); return 1; }
            FD_SET(fds[i], &master);
            if (fds[i] > maxfd) maxfd = fds[i];
        }
    }

    /* Calibrate: a batch of calls is timed until the wanted duration is reached; the clock is read per batch only. */
    uint64_t calls = 0, batch = 64, t0 = now_ns(), end = t0 + (uint64_t)(seconds * 1e9), t = t0;
    int idle = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct epoll_event one = { .events = EPOLLIN, .data.fd = idle };
    while (t < end && calls < 1000000000ull) {
        for (uint64_t b = 0; b < batch; b++) {
            long got = 0;
            if (strcmp(backend, "epoll") == 0) {
                int r = epoll_wait(ep, evs, n, 0);
                for (int i = 0; i < r; i++) got += evs[i].data.fd;
            } else if (strcmp(backend, "poll") == 0) {
                int r = poll(pfds, (nfds_t)n, 0);
                for (int i = 0; i < n && r > 0; i++) if (pfds[i].revents) { got += pfds[i].fd; r--; }
            } else if (strcmp(backend, "select") == 0) {
                work = master;
                struct timeval tv = { 0, 0 };
                int r = select(maxfd + 1, &work, NULL, NULL, &tv);
                for (int fd = 0; fd <= maxfd && r > 0; fd++) if (FD_ISSET(fd, &work)) { got += fd; r--; }
            } else if (strcmp(backend, "epoll_ctl_pair") == 0) {
                got += epoll_ctl(ep, EPOLL_CTL_ADD, idle, &one);
                got += epoll_ctl(ep, EPOLL_CTL_DEL, idle, NULL);
            } else { fprintf(stderr, "unknown backend %s\n", backend); return 2; }
            sink += got;
        }
        calls += batch;
        t = now_ns();
    }
    printf("%s %d %d %.1f %llu\n", backend, n, k, (double)(t - t0) / (double)calls, (unsigned long long)calls);
    return 0;
}

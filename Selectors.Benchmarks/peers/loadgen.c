/* The one load generator: single thread, epoll. N connections each ping-pong a SIZE-byte message; every echoed byte is
 * checked against what was sent. Runs WARMUP seconds unmeasured, then SECONDS measured, and prints one line:
 *   rt=... rtps=... p50_us=... p99_us=... errors=... server_cpu_us_per_rt=... total_rt=...
 * Usage: loadgen PORT CONNS SIZE SECONDS WARMUP [SERVER_PID]
 * With SERVER_PID it reads the server's utime+stime from /proc/PID/stat at the start and end of the measured window. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXSIZE 65536
#define BUCKET_NS 100                     /* latency histogram resolution */
#define BUCKETS (2 * 1000 * 1000)         /* 100 ns x 2M = 200 ms; slower samples land in the last bucket */

struct conn { int fd; uint32_t seq; int sent, received; uint64_t start_ns; };
static uint32_t hist[BUCKETS];

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The byte at offset i of message seq on connection id: differs per connection, per message and per offset, so a
 * misrouted, stale or shifted echo is caught. */
static unsigned char pattern(int id, uint32_t seq, int i) { return (unsigned char)(id * 131 + seq * 7 + i * 13 + 1); }

static double server_cpu_seconds(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces; fields after it are plain */
    if (!p) return -1;
    unsigned long utime = 0, stime = 0;
    /* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static double percentile(uint64_t total, double q) {
    uint64_t target = (uint64_t)(q * (double)total), seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen > target) return (b + 0.5) * BUCKET_NS / 1000.0;
    }
    return BUCKETS * (double)BUCKET_NS / 1000.0;
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: loadgen PORT CONNS SIZE SECONDS WARMUP [SERVER_PID]\n"); return 2; }
    int port = atoi(argv[1]), nconn = atoi(argv[2]), size = atoi(argv[3]);
    double seconds = atof(argv[4]), warmup = atof(argv[5]);
    int spid = argc > 6 ? atoi(argv[6]) : 0;
    if (nconn < 1 || nconn > 10000 || size < 1 || size > MAXSIZE) { fprintf(stderr, "bad arguments\n"); return 2; }

    struct conn *conns = calloc((size_t)nconn, sizeof *conns);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < nconn; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        /* Blocking connect, one at a time: the server's accept backlog is never flooded. */
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("connect"); return 1; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }

    unsigned char msg[MAXSIZE], got[MAXSIZE];
    uint64_t errors = 0, measured = 0, total = 0;
    uint64_t t0 = now_ns(), measure_start = t0 + (uint64_t)(warmup * 1e9), end = measure_start + (uint64_t)(seconds * 1e9);
    double cpu0 = -1, cpu1 = -1;
    int measuring = 0;

    /* Send the first message on every connection. Messages are small, so a send completes or the connection errs. */
    for (int i = 0; i < nconn; i++) {
        for (int b = 0; b < size; b++) msg[b] = pattern(i, 0, b);
        conns[i].start_ns = now_ns();
        if (send(conns[i].fd, msg, (size_t)size, MSG_NOSIGNAL) != size) errors++;
    }

    struct epoll_event events[1024];
    uint64_t t = now_ns();
    /* Bounded by time; each pass also bounded by the events returned. */
    while (t < end) {
        if (!measuring && t >= measure_start) {
            measuring = 1;
            if (spid) cpu0 = server_cpu_seconds(spid);
        }
        int n = epoll_wait(ep, events, 1024, 100);
        if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); return 1; }
        for (int e = 0; e < n; e++) {
            int i = (int)events[e].data.u32;
            struct conn *c = &conns[i];
            ssize_t r = recv(c->fd, got, (size_t)(size - c->received), 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
            if (r <= 0) { errors++; epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL); continue; }
            for (ssize_t b = 0; b < r; b++)
                if (got[b] != pattern(i, c->seq, c->received + (int)b)) { errors++; break; }
            c->received += (int)r;
            if (c->received < size) continue;
            uint64_t done = now_ns();
            total++;
            if (measuring) {
                uint64_t bucket = (done - c->start_ns) / BUCKET_NS;
                hist[bucket < BUCKETS ? bucket : BUCKETS - 1]++;
                measured++;
            }
            c->seq++;
            c->received = 0;
            for (int b = 0; b < size; b++) msg[b] = pattern(i, c->seq, b);
            c->start_ns = done;
            if (send(c->fd, msg, (size_t)size, MSG_NOSIGNAL) != size) errors++;
        }
        t = now_ns();
    }
    if (spid) cpu1 = server_cpu_seconds(spid);
    double elapsed = (double)(t - measure_start) / 1e9;
    double cpu_per_rt = (cpu0 >= 0 && cpu1 >= 0 && measured) ? (cpu1 - cpu0) * 1e6 / (double)measured : -1;
    printf("rt=%llu rtps=%.0f p50_us=%.1f p99_us=%.1f errors=%llu server_cpu_us_per_rt=%.3f total_rt=%llu\n",
           (unsigned long long)measured, measured / elapsed, percentile(measured, 0.50), percentile(measured, 0.99),
           (unsigned long long)errors, cpu_per_rt, (unsigned long long)total);
    for (int i = 0; i < nconn; i++) close(conns[i].fd);
    return errors ? 3 : 0;
}

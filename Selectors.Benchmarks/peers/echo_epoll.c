/* The C reference: a single-threaded, level-triggered epoll echo server, the same design as the `echo` example
 * (read interest; on a partial send, keep the rest and switch to write interest until it drains).
 * Usage: echo_epoll [port]. Prints "listening on 127.0.0.1:PORT" then serves until SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 65536
#define BUFSZ (16 * 1024)

struct conn { char buf[BUFSZ]; int start, end; };
static struct conn *conns[MAXFD];
static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static void close_conn(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd]);
    conns[fd] = NULL;
}

static void watch(int ep, int fd, unsigned events) {
    struct epoll_event ev = { .events = events, .data.fd = fd };
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* Sends what is pending; returns 0 when drained, 1 when it must wait for EPOLLOUT, -1 on error. */
static int flush(struct conn *c, int fd) {
    while (c->start < c->end) {
        ssize_t n = send(fd, c->buf + c->start, (size_t)(c->end - c->start), MSG_NOSIGNAL);
        if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
        c->start += (int)n;
    }
    return 0;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1024) < 0) { perror("bind/listen"); return 1; }
    socklen_t len = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &len);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd };
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    printf("listening on 127.0.0.1:%d (backend: c-epoll)\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[1024];
    while (!stop) {
        int n = epoll_wait(ep, events, 1024, -1);
        if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); return 1; }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0 || cfd >= MAXFD) { if (cfd >= 0) close(cfd); continue; }
                conns[cfd] = calloc(1, sizeof(struct conn));
                struct epoll_event cev = { .events = EPOLLIN, .data.fd = cfd };
                epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
                continue;
            }
            struct conn *c = conns[fd];
            if (!c) continue;
            int r;
            if (c->start < c->end) {
                r = flush(c, fd);
            } else {
                ssize_t got = recv(fd, c->buf, BUFSZ, 0);
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
                if (got <= 0) { close_conn(ep, fd); continue; }
                c->start = 0; c->end = (int)got;
                r = flush(c, fd);
                if (r == 1) { watch(ep, fd, EPOLLOUT); continue; }
            }
            if (r < 0) { close_conn(ep, fd); continue; }
            if (r == 0 && (events[i].events & EPOLLOUT)) watch(ep, fd, EPOLLIN);
        }
    }
    return 0;
}

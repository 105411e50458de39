"""The CPython peer: the echo server from the selectors documentation (callback in each key's data, a loop we
write), on selectors.DefaultSelector, with partial sends handled as the `echo` example does them.
Usage: python3 echo_selectors.py [PORT]. Prints "listening on 127.0.0.1:PORT" and serves until SIGTERM."""
import selectors
import signal
import socket
import sys

sel = selectors.DefaultSelector()
pending = {}  # socket -> bytes not yet echoed


def accept(sock, mask):
    try:
        conn, _ = sock.accept()
    except (BlockingIOError, ConnectionError):
        return
    conn.setblocking(False)
    sel.register(conn, selectors.EVENT_READ, echo)


def close(conn):
    sel.unregister(conn)
    pending.pop(conn, None)
    conn.close()


def echo(conn, mask):
    if mask & selectors.EVENT_WRITE:
        flush(conn, pending.pop(conn))
        return
    try:
        data = conn.recv(16384)
    except BlockingIOError:
        return
    except ConnectionError:
        close(conn)
        return
    if not data:
        close(conn)
        return
    flush(conn, data)


def flush(conn, data):
    try:
        sent = conn.send(data)
    except BlockingIOError:
        sent = 0
    except ConnectionError:
        close(conn)
        return
    if sent < len(data):
        pending[conn] = data[sent:]
        sel.modify(conn, selectors.EVENT_WRITE, echo)
    elif sel.get_key(conn).events != selectors.EVENT_READ:
        sel.modify(conn, selectors.EVENT_READ, echo)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(1024)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, accept)
    print(f"listening on 127.0.0.1:{lsock.getsockname()[1]} (backend: cpython-{type(sel).__name__})", flush=True)
    while True:
        for key, mask in sel.select():
            key.data(key.fileobj, mask)


if __name__ == "__main__":
    main()

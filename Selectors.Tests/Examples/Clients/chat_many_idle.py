# Many idle chat connections: CLIENTS connect and choose nicknames, then sit idle; one line from the first must reach
# every other one within 5 seconds. Reads all sockets with Python's own selectors module, in one thread.
# Usage: python3 chat_many_idle.py PORT CLIENTS. Prints "ok N received in S s"; exit 1 with the reason otherwise.
import selectors, socket, sys, time

port, count = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
buffers = {}
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(f"user{i}\n".encode())
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
    buffers[i] = bytearray()

def pump(until, done):
    # Reads whatever arrives until done() or the deadline; bounded by the deadline.
    while time.monotonic() < until and not done():
        for key, _ in sel.select(max(0, until - time.monotonic())):
            data = key.fileobj.recv(65536)
            if not data:
                raise EOFError(f"user{key.data}: the server closed the connection")
            buffers[key.data] += data

# Everyone is in the room once the last one is welcomed and the first one heard it join.
last = f"* user{count - 1} joined\n".encode()
pump(time.monotonic() + 30, lambda: last in buffers[0] and b"* welcome" in buffers[count - 1])
if last not in buffers[0]:
    print("not everyone joined within 30 s", file=sys.stderr)
    sys.exit(1)

for b in buffers.values():
    b.clear()
started = time.monotonic()
next(k.fileobj for k in sel.get_map().values() if k.data == 0).sendall(b"hello, everyone\n")
wanted = b"user0: hello, everyone\n"
pump(started + 5, lambda: all(wanted in buffers[i] for i in range(1, count)))
elapsed = time.monotonic() - started
missing = [i for i in range(1, count) if wanted not in buffers[i]]
echoed = wanted in buffers[0]
for key in list(sel.get_map().values()):
    key.fileobj.close()
if missing or echoed:
    print(f"{len(missing)} clients missed the line (first: user{missing[:1]}); echoed to sender: {echoed}", file=sys.stderr)
    sys.exit(1)
print(f"ok {count - 1} received in {elapsed:.3f} s")

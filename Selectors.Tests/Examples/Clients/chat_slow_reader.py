# A chat client that stops reading must not delay the others. alice, bob, carol and slow join; slow has a tiny
# receive buffer and never reads again. alice sends a burst of 1000-byte lines (in rounds, until slow is evicted
# or BURST_MB megabytes went out); bob and carol must receive all of it, and then a "ping" from bob must reach alice
# and carol within 2 seconds.
# Mode "evict": the server's queue cap is small enough that slow must be disconnected ("* slow left").
# Mode "stall": the cap is larger than the burst, so slow stays connected, stuck, while the others go on.
# Usage: python3 chat_slow_reader.py PORT MODE BURST_MB. Prints "ok ..."; exit 1 with the reason otherwise.
import sys, threading, time
from chatlib import join_all, Client

port, mode, burst_mb = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
alice, bob, carol = join_all(port, ["alice", "bob", "carol"])
slow = Client(port, "slow", rcvbuf=4096)
for c in (alice, bob, carol):
    c.expect("* slow joined")

filler = "x" * 980
round_lines = 100
slow_left = threading.Event()
sent = []
failures = []
counts = {}

def burst():
    try:
        # Bounded by burst_mb; in evict mode it stops early, once slow is gone.
        for r in range(burst_mb * 1024 * 1024 // (round_lines * 1000) + 1):
            if mode == "evict" and slow_left.is_set():
                break
            alice.sock.sendall("".join(f"burst {len(sent) + i} {filler}\n" for i in range(round_lines)).encode())
            sent.extend(range(round_lines))
        alice.send("burst done")
    except Exception as e:
        failures.append(f"alice sending: {e!r}")

def drain(client):
    # Reads until alice's "burst done"; counts burst lines and notices slow's eviction.
    try:
        n = 0
        for _ in range(burst_mb * 1024 + 100000):
            line = client.line()
            if line == "* slow left":
                slow_left.set()
            elif line == "alice: burst done":
                break
            elif line.startswith("alice: burst "):
                n += 1
            else:
                failures.append(f"{client.name}: unexpected {line!r}")
        counts[client.name] = n
    except Exception as e:
        failures.append(f"{client.name} reading: {e!r}")

started = time.monotonic()
threads = [threading.Thread(target=burst, daemon=True)] + [threading.Thread(target=drain, args=(c,), daemon=True) for c in (bob, carol)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
burst_seconds = time.monotonic() - started

for name in ("bob", "carol"):
    if counts.get(name) != len(sent):
        failures.append(f"{name} got {counts.get(name)} burst lines of {len(sent)}")

if not failures:
    try:
        # alice never read during the burst: what the server queued for her was only slow's leaving, if that.
        if mode == "evict":
            alice.expect("* slow left")
        ping_sent = time.monotonic()
        bob.send("ping")
        alice.expect("bob: ping")
        carol.expect("bob: ping")
        latency = time.monotonic() - ping_sent
        if latency > 2:
            failures.append(f"the ping took {latency:.2f} s")
    except Exception as e:
        failures.append(repr(e))

if mode == "evict" and not slow_left.is_set():
    failures.append("slow was never disconnected")
if mode == "stall" and slow_left.is_set():
    failures.append("slow was disconnected although its queue stayed under the cap")

for c in (alice, bob, carol, slow):
    c.close()
if failures:
    print("; ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"ok {len(sent)} burst lines to bob and carol in {burst_seconds:.2f} s, ping {latency * 1000:.0f} ms")

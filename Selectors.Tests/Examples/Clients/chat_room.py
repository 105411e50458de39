# Three chat clients: join notices; each sends MESSAGES lines and then "done" while all three read at once; each
# must get every line of the other two exactly once, in each sender's order, and none of its own; then leave notices.
# Usage: python3 chat_room.py PORT MESSAGES. Prints "ok"; exit 1 with the reason otherwise.
import sys, threading
from chatlib import join_all

port, messages = int(sys.argv[1]), int(sys.argv[2])
names = ["alice", "bob", "carol"]
alice, bob, carol = clients = join_all(port, names)
received = {c.name: [] for c in clients}
failures = []

def talk(client):
    try:
        for i in range(messages):
            client.send(f"message {i} from {client.name}")
        client.send("done")
    except Exception as e:
        failures.append(f"{client.name} sending: {e!r}")

def listen(client):
    try:
        finished = set()
        # Bounded: at most the expected number of lines (each read has a timeout).
        for _ in range(2 * (messages + 1)):
            line = client.line()
            received[client.name].append(line)
            sender, _, text = line.partition(": ")
            if text == "done":
                finished.add(sender)
            if len(finished) == 2:
                break
    except Exception as e:
        failures.append(f"{client.name} reading: {e!r}")

threads = [threading.Thread(target=f, args=(c,), daemon=True) for c in clients for f in (talk, listen)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)

for client in clients:
    lines = received[client.name]
    for sender in names:
        mine = [l for l in lines if l.startswith(f"{sender}: ")]
        wanted = [] if sender == client.name else [f"{sender}: message {i} from {sender}" for i in range(messages)] + [f"{sender}: done"]
        if mine != wanted:
            failures.append(f"{client.name} got {len(mine)} lines from {sender}, wanted {len(wanted)} (first: {mine[:1]})")
    if len(lines) != 2 * (messages + 1):
        failures.append(f"{client.name} got {len(lines)} lines, wanted {2 * (messages + 1)}")

if not failures:
    try:
        # The server handles each client's lines in order, so anything wrongly sent back to a sender was queued
        # before these notices: reading them exactly as expected also shows nothing else arrived.
        carol.close()
        alice.expect("* carol left")
        bob.expect("* carol left")
        bob.close()
        alice.expect("* bob left")
    except Exception as e:
        failures.append(repr(e))
alice.close()

if failures:
    print("; ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"ok {sum(len(v) for v in received.values())} lines")

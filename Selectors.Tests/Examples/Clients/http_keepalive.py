# Keep-alive load for the http example: CONNECTIONS threads connect at once (a barrier), and each sends REQUESTS
# HTTP/1.1 GETs one after another over its one connection, checking every status, header and body.
# Usage: python3 http_keepalive.py PORT CONNECTIONS REQUESTS. Prints "ok N requests over C connections"; exit 1 otherwise.
import http.client, sys, threading

port, connections, requests = (int(a) for a in sys.argv[1:4])
barrier = threading.Barrier(connections, timeout=30)
answered, failures = [], []

def client(i):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.connect()
        sock = conn.sock
        barrier.wait()
        for j in range(requests):
            conn.request("GET", f"/{i}/{j}")
            response = conn.getresponse()
            body = response.read()
            got = (response.status, body, response.getheader("Content-Type"), response.getheader("Content-Length"))
            if got != (200, b"Hello, world!", "text/plain; charset=utf-8", "13"):
                failures.append(f"client {i} request {j}: {got}")
                return
            if conn.sock is not sock:
                failures.append(f"client {i} request {j}: the connection was not kept alive")
                return
            answered.append(j)
        conn.close()
    except Exception as e:
        failures.append(f"client {i}: {e!r}")

threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
if failures or len(answered) != connections * requests:
    print("; ".join(failures[:5]) or "a client hung", file=sys.stderr)
    sys.exit(1)
print(f"ok {len(answered)} requests over {connections} connections")

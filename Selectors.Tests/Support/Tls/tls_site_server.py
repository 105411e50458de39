"""A site over TLS on loopback, for the TLS tests (Support/Tls/TlsSiteServer.cs starts and stops it).

Serves DIRECTORY over HTTPS on 127.0.0.1 with the given certificate and key, on a port the kernel picks, and prints
`https PORT` once it listens. --close-mid-handshake instead accepts TCP, reads the first bytes of the ClientHello and
closes: a peer that dies during the handshake. --http-redirect also serves plain HTTP on a second port (printed as
`http PORT`): `/` is a page linking to https://localhost:PORT/, every other path a 301 to the same path over https.
--lifetime bounds the life of a server whose test failed to stop it.
"""
import argparse
import functools
import http.server
import os
import socket
import ssl
import sys
import threading


def https_server(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)

    class Handler(http.server.SimpleHTTPRequestHandler):
        timeout = 10  # a stalled client frees its thread

        def setup(self):
            # The handshake runs here, on the connection's own thread, so one slow client never blocks the accept loop.
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
            super().setup()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=args.directory))
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server


def close_mid_handshake_server():
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            connection, _ = listener.accept()
            try:
                connection.settimeout(10)
                connection.recv(5)  # the TLS record header of the ClientHello, then nothing more
            except OSError:
                pass
            finally:
                connection.close()

    return listener, serve


def http_redirect_server(https_port):
    target = f"https://localhost:{https_port}"

    class Redirect(http.server.BaseHTTPRequestHandler):
        timeout = 10

        def do_GET(self):
            if self.path == "/":
                body = f'<!DOCTYPE html>\n<html><body><p><a href="{target}/">the site over https</a></p></body></html>\n'.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(301)
                self.send_header("Location", target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, format, *args):
            sys.stderr.write("http: " + (format % args) + "\n")

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--directory", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--close-mid-handshake", action="store_true")
    parser.add_argument("--http-redirect", action="store_true")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()

    threading.Timer(args.lifetime, lambda: os._exit(3)).start()
    if args.close_mid_handshake:
        listener, serve = close_mid_handshake_server()
        https_port = listener.getsockname()[1]
        threading.Thread(target=serve, daemon=True).start()
    else:
        server = https_server(args)
        https_port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"https {https_port}", flush=True)

    if args.http_redirect:
        redirect = http_redirect_server(https_port)
        threading.Thread(target=redirect.serve_forever, daemon=True).start()
        print(f"http {redirect.server_address[1]}", flush=True)

    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()

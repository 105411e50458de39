# Shared by the chat test clients: connect, choose a nickname, and read lines with a time limit.
import socket

class Client:
    def __init__(self, port, name, rcvbuf=None):
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(20)  # Every read and write is bounded.
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        self.reader = self.sock.makefile("rb")
        prompt = self.line()
        assert prompt.startswith("* nickname?"), f"{name}: expected the nickname prompt, got {prompt!r}"
        self.send(name)
        welcome = self.line()
        assert welcome.startswith(f"* welcome, {name} "), f"{name}: expected a welcome, got {welcome!r}"

    def send(self, text):
        self.sock.sendall(text.encode() + b"\n")

    def line(self):
        data = self.reader.readline()
        if not data:
            raise EOFError(f"{self.name}: the server closed the connection")
        return data.decode().rstrip("\n")

    def expect(self, expected):
        got = self.line()
        assert got == expected, f"{self.name}: expected {expected!r}, got {got!r}"

    def close(self):
        self.reader.close()
        self.sock.close()

def join_all(port, names, **options):
    """Connects the clients one by one; each one already in the room must be told of each later one."""
    clients = []
    for name in names:
        client = Client(port, name, **options)
        for earlier in clients:
            earlier.expect(f"* {name} joined")
        clients.append(client)
    return clients

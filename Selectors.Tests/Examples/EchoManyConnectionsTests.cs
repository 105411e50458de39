using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Every echo server (the selector one on each backend, <c>--lowlevel</c> and <c>--edge</c> on epoll) under 200
/// simultaneous connections from one python3 client written on Python's own selectors: each connection sends a random
/// payload in random-sized chunks while reading, half-closes, and must get back every byte, in order, before the
/// server's end of file.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EchoManyConnectionsTests
{
    private const int Connections = 200;

    /// <summary>
    /// argv: port, connections, seed. Payloads of 1 byte to 32 KiB, chunks of 1 byte to 8 KiB, all from the seed (printed
    /// on failure). Bounded: 60 s overall, 30 s per connect.
    /// </summary>
    internal const string Client = """
        import random, selectors, socket, sys, time
        port, count, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        rng = random.Random(seed)
        sel = selectors.DefaultSelector()

        class Conn:
            def __init__(self, i):
                self.i, self.sent, self.received, self.done = i, 0, bytearray(), False
                self.payload = rng.randbytes(rng.randint(1, 32 * 1024))
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                self.sock.setblocking(False)
                sel.register(self.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self)

        conns = [Conn(i) for i in range(count)]
        open_count, failures = count, []
        deadline = time.monotonic() + 60
        while open_count and time.monotonic() < deadline:
            for key, mask in sel.select(1):
                c = key.data
                try:
                    if mask & selectors.EVENT_WRITE and c.sent < len(c.payload):
                        size = rng.randint(1, 8192)
                        c.sent += c.sock.send(c.payload[c.sent:c.sent + size])
                        if c.sent == len(c.payload):
                            c.sock.shutdown(socket.SHUT_WR)
                            sel.modify(c.sock, selectors.EVENT_READ, c)
                    if mask & selectors.EVENT_READ:
                        data = c.sock.recv(65536)
                        if data:
                            c.received += data
                        else:
                            sel.unregister(c.sock)
                            c.sock.close()
                            c.done = True
                            open_count -= 1
                except BlockingIOError:
                    pass
                except OSError as e:
                    failures.append(f"connection {c.i}: {e!r}")
                    sel.unregister(c.sock)
                    c.sock.close()
                    open_count -= 1

        for c in conns:
            if not c.done:
                failures.append(f"connection {c.i}: no end of file after {len(c.received)} of {len(c.payload)} bytes")
            elif bytes(c.received) != c.payload:
                at = next((k for k, (a, b) in enumerate(zip(c.received, c.payload)) if a != b), min(len(c.received), len(c.payload)))
                failures.append(f"connection {c.i}: {len(c.received)} of {len(c.payload)} bytes, first difference at {at}")
        if failures:
            print(f"seed {seed}: " + "; ".join(failures[:10]), file=sys.stderr)
            sys.exit(1)
        print(f"ok {count} connections {sum(len(c.payload) for c in conns)} bytes")
        """;

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Runs epoll and stops the server with POSIX signals.");
        }
    }

    [TestCase("Epoll", "--backend", "default")]
    [TestCase("Epoll", "--backend", "epoll")]
    [TestCase("Poll", "--backend", "poll")]
    [TestCase("Select", "--backend", "select")]
    [TestCase("Epoll", "--lowlevel")]
    [TestCase("Epoll", "--edge")]
    public async Task Echo_returns_every_byte_in_order_on_200_connections(string expectedBackend, params string[] mode)
    {
        using var server = await ExampleProcess.StartListeningAsync(["echo", "--port", "0", "--verbose", .. mode]);
        int port = server.Port;
        if (mode[0] != "--backend" || mode[1] != "default")
        {
            server.Backend.Should().Be(expectedBackend);
        }

        int seed = Random.Shared.Next();
        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(Client, TimeSpan.FromSeconds(90), port.ToString(), Connections.ToString(), seed.ToString());

        exitCode.Should().Be(0, $"the python client said: {stderr}");
        stdout.Should().StartWith($"ok {Connections} connections");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("connect 127.0.0.1:", StringComparison.Ordinal)).Should().Be(Connections);
        server.ErrorLines.Count(l => l.StartsWith("close 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith("(eof)", StringComparison.Ordinal))
            .Should().Be(Connections, "every client half-closed after its last byte, and got all of them back first");
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
    }
}

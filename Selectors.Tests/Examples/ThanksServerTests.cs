using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>select-server</c> and <c>poll-server</c>, PyMOTW's classic servers: python3 clients send lines and must get one
/// <c>Ok,Thanks</c> per line, however the lines are cut into sends, and the server keeps serving the clients that stay
/// (and new ones) after others leave, even one that leaves without reading its replies.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ThanksServerTests
{
    /// <summary>argv: port. Five clients at once, then one leaving beside one staying, then a late one. 30 s per socket call, 60 s per thread.</summary>
    private const string Clients = """
        import socket, sys, threading, time
        port = int(sys.argv[1])
        REPLY = b"Ok,Thanks\n"

        def connect():
            return socket.create_connection(("127.0.0.1", port), timeout=30)

        def expect(s, n):
            got = b""
            while len(got) < n * len(REPLY):
                data = s.recv(4096)
                if not data:
                    raise RuntimeError(f"closed after {len(got)} of {n * len(REPLY)} bytes")
                got += data
            if got != REPLY * n:
                raise RuntimeError(f"expected {n} replies, got {got[:60]!r}")

        def converse(s, name, n):
            for j in range(n):                       # one message at a time
                s.sendall(f"{name} message {j}\n".encode())
                expect(s, 1)
            s.sendall(b"".join(f"{name} burst {j}\n".encode() for j in range(n)))
            expect(s, n)                             # many messages in one send
            s.sendall(f"{name} split".encode())      # one message over two sends
            time.sleep(0.02)
            s.sendall(b" message\n")
            expect(s, 1)

        failures = []
        def client(i):
            try:
                with connect() as s:
                    converse(s, f"client {i}", 20)
            except Exception as e:
                failures.append(f"client {i}: {e!r}")

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        if failures or any(t.is_alive() for t in threads):
            print("; ".join(failures) or "a client hung", file=sys.stderr)
            sys.exit(1)

        stay = connect()
        converse(stay, "stay", 3)
        leave = connect()
        converse(leave, "leave", 3)
        leave.sendall(b"never read\n" * 100)         # leaves without reading its replies
        leave.close()
        converse(stay, "stay again", 3)
        with connect() as late:
            converse(late, "late", 3)
        stay.close()
        print("ok")
        """;

    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("poll(2) and POSIX signals.");
        }
    }

    [TestCase("select-server", "Select")]
    [TestCase("poll-server", "Poll")]
    public async Task Replies_Ok_Thanks_to_each_message_of_several_clients_and_keeps_serving_after_one_leaves(string command, string backend)
    {
        using var server = await ExampleProcess.StartListeningAsync(command, "--port", "0", "--verbose");
        int port = server.Port;
        server.Backend.Should().Be(backend);

        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(Clients, TimeSpan.FromSeconds(90), port.ToString());

        exitCode.Should().Be(0, $"the python clients said: {stderr}");
        stdout.Trim().Should().Be("ok");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("connect 127.0.0.1:", StringComparison.Ordinal)).Should().Be(8);
        server.ErrorLines.Count(l => l.StartsWith("close 127.0.0.1:", StringComparison.Ordinal)).Should().Be(8, "every connection is closed, by its client or at the stop");
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
    }
}

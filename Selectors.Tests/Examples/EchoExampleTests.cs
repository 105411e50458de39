using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// End to end: the built Selectors.Examples program runs as a child process, exactly as a user runs it, and real
/// clients (a Python script, and plain sockets) talk to it over loopback. The test project references the examples
/// project for build order only (ReferenceOutputAssembly=false); the program is found in the examples project's own
/// build output for this configuration (Selectors.Examples/bin/CONFIGURATION/TFM/). Every process a test starts is
/// stopped by that test, by its own process id, and every wait is bounded.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EchoExampleTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Several clients connect at once (a barrier), each sends 100 numbered lines, and client 0 also sends 8 MiB of
    /// random bytes with a small receive buffer and a late start reading: more than the kernel buffers hold, so the
    /// server's sends would block and it must switch to EVENT_WRITE and back. Each client half-closes and reads until
    /// the server closes, then compares every byte, in order. Every socket op has a 30 s timeout.
    /// </summary>
    private const string PythonClients = """
        import os, socket, sys, threading, time
        port, clients, big = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        barrier = threading.Barrier(clients, timeout=30)
        failures, echoed = [], []

        def client(i):
            try:
                chunks = [f"client {i} line {j}\n".encode() for j in range(100)]
                if i == 0:
                    chunks.append(os.urandom(big))
                expected = b"".join(chunks)
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(30)
                if i == 0:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", port))
                with s:
                    barrier.wait()
                    def send():
                        for chunk in chunks:
                            s.sendall(chunk)
                        s.shutdown(socket.SHUT_WR)
                    sender = threading.Thread(target=send, daemon=True)
                    sender.start()
                    if i == 0:
                        time.sleep(0.5)
                    received = bytearray()
                    while True:
                        data = s.recv(65536)
                        if not data:
                            break
                        received += data
                    sender.join(30)
                if bytes(received) != expected:
                    at = next((k for k, (a, b) in enumerate(zip(received, expected)) if a != b), min(len(received), len(expected)))
                    failures.append(f"client {i}: got {len(received)} of {len(expected)} bytes; first difference at {at}")
                else:
                    echoed.append(len(received))
            except Exception as e:
                failures.append(f"client {i}: {e!r}")

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        if failures or len(echoed) != clients:
            print("; ".join(failures) or "a client hung", file=sys.stderr)
            sys.exit(1)
        print(f"ok {clients} clients {sum(echoed)} bytes")
        """;

    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("These tests stop the server with POSIX signals.");
        }
    }

    [TestCase("default")]
    [TestCase("epoll")]
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Echo_returns_every_byte_in_order_to_several_python_clients_and_stops_on_SIGTERM(string backend)
    {
        const int clients = 8;
        const int bigPayload = 8 * 1024 * 1024;
        using var server = await ExampleProcess.StartListeningAsync("echo", "--port", "0", "--backend", backend, "--verbose");
        int port = server.Port;
        server.Backend.Should().Be(backend == "default" ? DefaultSelector.ChosenBackend.ToString() : Capitalized(backend));

        (int exitCode, string stdout, string stderr) = await ClientProgram.PythonAsync(PythonClients, ClientTimeout, port.ToString(), clients.ToString(), bigPayload.ToString());

        exitCode.Should().Be(0, $"the Python clients said: {stderr}");
        int lineBytes = Enumerable.Range(0, clients).Sum(i => Enumerable.Range(0, 100).Sum(j => $"client {i} line {j}\n".Length));
        stdout.Trim().Should().Be($"ok {clients} clients {lineBytes + bigPayload} bytes");
        await EchoServerChecks.StopsOnSigtermHavingClosedEveryClientAtEndOfFileAsync(server, clients);
    }

    [TestCase("default", "SIGINT")]
    [TestCase("select", "SIGTERM")]
    public async Task Echo_stops_cleanly_on_a_signal_and_closes_the_connections_it_holds(string backend, string signal)
    {
        using var server = await ExampleProcess.StartListeningAsync("echo", "--port", "0", "--backend", backend, "--verbose");
        await EchoServerChecks.StopsCleanlyClosingThreeConnectionsAsync(server, signal, echoFirst: true);
    }

    [TestCase("--bogus")]
    [TestCase("--port", "http")]
    [TestCase("--port", "65536")]
    [TestCase("--port")]
    [TestCase("--host", "not-an-address")]
    [TestCase("--backend", "kqueue")]
    [TestCase("--verbose=yes")]
    [TestCase("--loops", "0")]
    [TestCase("--loops", "-1")]
    [TestCase("--loops", "abc")]
    [TestCase("--loops")]
    public async Task Echo_rejects_bad_arguments_with_its_usage_on_stderr_and_exit_code_2(params string[] arguments)
    {
        using var server = ExampleProcess.Start(["echo", .. arguments]);
        (await server.WaitForExitAsync()).Should().Be(2);
        server.ErrorLines.Should().Contain(l => l.StartsWith("usage: Selectors.Examples echo", StringComparison.Ordinal));
        server.OutputLines.Should().BeEmpty();
    }

    [Test]
    public async Task Echo_reports_a_port_in_use_in_one_line_and_exits_with_1()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        using var server = ExampleProcess.Start("echo", "--port", ((IPEndPoint)taken.LocalEndPoint!).Port.ToString());
        (await server.WaitForExitAsync()).Should().Be(1);
        server.ErrorLines.Should().ContainSingle().Which.Should().StartWith("Selectors.Examples echo: error:");
    }

    [Test]
    public async Task QuickStart_from_the_readme_echoes()
    {
        // The quick start has no --port 0 report (it must stay 20 lines), so pick a free port and retry the connect.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var server = ExampleProcess.Start("quickstart", "--port", port.ToString());
        using var client = await ConnectWithRetryAsync(port, server);
        byte[] hello = Encoding.ASCII.GetBytes("hello, selectors\n");
        client.Send(hello);
        var echoed = new List<byte>();
        var buffer = new byte[64];
        for (int i = 0; i < 100 && echoed.Count < hello.Length; i++)
        {
            int n = client.Receive(buffer);
            n.Should().BePositive("the quick start echoes before closing");
            echoed.AddRange(buffer.Take(n));
        }

        echoed.Should().Equal(hello);
        client.Shutdown(SocketShutdown.Send);
        client.Receive(buffer).Should().Be(0, "the quick start closes the connection on end of file");
        // It has no signal handling: SIGTERM ends it the default way.
        await server.StopAsync(Signum.SIGTERM);
    }

    [Test]
    public void Readme_shows_exactly_the_quick_start_that_compiles()
    {
        string root = ExampleProcess.RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(Path.Combine(root, "Selectors.Examples", "QuickStart.cs")).ReplaceLineEndings("\n");
        Match block = Regex.Match(readme, @"## Quick start\n.*?```csharp\n(.*?)```", RegexOptions.Singleline);

        block.Success.Should().BeTrue("the README has a Quick start section with a csharp block");
        block.Groups[1].Value.Should().Be(source);
        source.TrimEnd('\n').Split('\n').Should().HaveCountLessThanOrEqualTo(20);
    }

    private static string Capitalized(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static async Task<Socket> ConnectWithRetryAsync(int port, ExampleProcess server)
    {
        for (int attempt = 0; attempt < 300; attempt++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
            try
            {
                socket.Connect(IPAddress.Loopback, port);
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                socket.Dispose();
                server.HasExited.Should().BeFalse($"the quick start should be listening; it wrote: {string.Join("\n", server.ErrorLines)}");
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within 30 s.");
    }
}

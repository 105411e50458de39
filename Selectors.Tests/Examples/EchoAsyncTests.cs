using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;
using Selectors.Tests.Support.Tls;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>echo --async</c>, the echo server written as coroutines on <see cref="SelectorLoop"/>, as a child process against
/// python3 clients over loopback: 200 plain connections; TLS (<c>--tls-cert</c>, <c>--tls-key</c>) with python's
/// <c>ssl</c> clients, among them clients whose handshake fails; the usage errors of the TLS options; and a clean stop
/// on SIGINT and SIGTERM. Every process a test starts is stopped by that test, by its own id; every wait is bounded.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class EchoAsyncTests
{
    private const int Connections = 200;
    private const int TlsConnections = 20;

    /// <summary>
    /// argv: port, cafile, connections, seed. First a plain TCP client sends garbage (its handshake fails) and a TLS client
    /// that trusts only the system store must be refused (the test CA is not in it); then, concurrently, each TLS client
    /// (trusting the CA file, server_hostname localhost) sends a random payload in random chunks, reading each echo back
    /// before the next, and ends with close_notify (unwrap). Finally the garbage client must see the server close.
    /// Bounded: 30 s per socket operation, 60 s per client thread.
    /// </summary>
    private const string TlsClients = """
        import random, socket, ssl, sys, threading
        port, cafile, count, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        failures, echoed = [], []

        garbage = socket.create_connection(("127.0.0.1", port), timeout=30)
        garbage.sendall(b"GET / HTTP/1.0\r\n\r\n" * 8)

        untrusting = ssl.create_default_context()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
                with untrusting.wrap_socket(raw, server_hostname="localhost"):
                    failures.append("a client that does not trust the CA completed its handshake")
        except ssl.SSLCertVerificationError:
            pass

        trusting = ssl.create_default_context(cafile=cafile)

        def client(i):
            rng = random.Random(seed * 1000 + i)
            payload = rng.randbytes(rng.randint(1, 64 * 1024))
            try:
                raw = socket.create_connection(("127.0.0.1", port), timeout=30)
                s = trusting.wrap_socket(raw, server_hostname="localhost")
                received, sent = bytearray(), 0
                while sent < len(payload):
                    chunk = payload[sent:sent + rng.randint(1, 8192)]
                    s.sendall(chunk)
                    sent += len(chunk)
                    while len(received) < sent:
                        data = s.recv(65536)
                        if not data:
                            raise EOFError(f"end of stream after {len(received)} of {sent} bytes")
                        received += data
                s.unwrap().close()  # close_notify both ways: the server answers ours with its own
                if bytes(received) != payload:
                    failures.append(f"client {i}: {len(received)} bytes differ from the {len(payload)} sent")
                else:
                    echoed.append(len(payload))
            except Exception as e:
                failures.append(f"client {i}: {e!r}")

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

        try:
            if garbage.recv(65536) not in (b"",):
                failures.append("the garbage client got data instead of a close")
        except ConnectionResetError:
            pass
        garbage.close()

        if failures or len(echoed) != count:
            print(f"seed {seed}: " + ("; ".join(failures[:10]) or "a client hung"), file=sys.stderr)
            sys.exit(1)
        print(f"ok {count} tls connections {sum(echoed)} bytes")
        """;

    private TestCertificates _certificates = null!;

    [OneTimeSetUp]
    public async Task MakeCertificates()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Stops the server with POSIX signals, and makes its certificates with openssl.");
        }

        _certificates = await TestCertificates.CreateAsync();
    }

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates?.Dispose();

    [TestCase("default")]
    [TestCase("poll")]
    [TestCase("select")]
    public async Task Echo_async_returns_every_byte_in_order_on_200_connections(string backend)
    {
        using var server = await ExampleProcess.StartListeningAsync("echo", "--async", "--port", "0", "--backend", backend, "--verbose");
        if (backend != "default")
        {
            server.Backend.Should().Be(char.ToUpperInvariant(backend[0]) + backend[1..]);
        }

        int seed = Random.Shared.Next();
        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(
            EchoManyConnectionsTests.Client, TimeSpan.FromSeconds(90), server.Port.ToString(), Connections.ToString(), seed.ToString());

        exitCode.Should().Be(0, $"the python client said: {stderr}");
        stdout.Should().StartWith($"ok {Connections} connections");
        await EchoServerChecks.StopsOnSigtermHavingClosedEveryClientAtEndOfFileAsync(server, Connections);
    }

    [Test]
    public async Task Echo_async_over_tls_echoes_exactly_to_python_ssl_clients_and_drops_the_ones_whose_handshake_fails()
    {
        using var server = await ExampleProcess.StartListeningAsync(
            "echo", "--async", "--port", "0", "--verbose",
            "--tls-cert", _certificates.Localhost.CertificatePath, "--tls-key", _certificates.Localhost.KeyPath);

        int seed = Random.Shared.Next();
        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(
            TlsClients, TimeSpan.FromSeconds(120), server.Port.ToString(), _certificates.CaCertificatePath, TlsConnections.ToString(), seed.ToString());

        exitCode.Should().Be(0, $"the python clients said: {stderr}; the server said: {string.Join("\n", server.ErrorLines)}");
        stdout.Should().StartWith($"ok {TlsConnections} tls connections");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
        server.ErrorLines.Count(l => l.StartsWith("tls handshake with 127.0.0.1:", StringComparison.Ordinal))
            .Should().Be(2, "the garbage client and the client that refused the certificate failed their handshakes");
        server.ErrorLines.Count(l => l.EndsWith("(handshake failed)", StringComparison.Ordinal)).Should().Be(2);
        server.ErrorLines.Count(l => l.StartsWith("close 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith("(eof)", StringComparison.Ordinal))
            .Should().Be(TlsConnections, "every TLS client ended with close_notify after getting its bytes back");
        server.ErrorLines.Should().Contain("stopping (SIGTERM)");
    }

    [TestCase(false, "SIGINT")]
    [TestCase(false, "SIGTERM")]
    [TestCase(true, "SIGTERM")]
    public async Task Echo_async_stops_cleanly_on_a_signal_and_closes_the_connections_it_holds(bool tls, string signal)
    {
        string[] tlsOptions = tls ? ["--tls-cert", _certificates.Localhost.CertificatePath, "--tls-key", _certificates.Localhost.KeyPath] : [];
        using var server = await ExampleProcess.StartListeningAsync(["echo", "--async", "--port", "0", "--verbose", .. tlsOptions]);
        // A TLS server would wait for a handshake before echoing, so its clients only connect.
        await EchoServerChecks.StopsCleanlyClosingThreeConnectionsAsync(server, signal, echoFirst: !tls);
    }

    [TestCase("--tls-cert", "needs --async", "--tls-cert", "CERT")]
    [TestCase("--tls-key", "needs --async", "--tls-key", "KEY")]
    [TestCase("--tls-cert", "needs --async", "--tls-cert", "CERT", "--tls-key", "KEY")]
    [TestCase("--tls-cert needs --tls-key", "", "--async", "--tls-cert", "CERT")]
    [TestCase("--tls-key needs --tls-cert", "", "--async", "--tls-key", "KEY")]
    [TestCase("--tls-cert: cannot read", "", "--async", "--tls-cert", "MISSING", "--tls-key", "KEY")]
    [TestCase("--tls-key: cannot read", "", "--async", "--tls-cert", "CERT", "--tls-key", "MISSING")]
    [TestCase("--tls-cert/--tls-key", "not a PEM certificate", "--async", "--tls-cert", "GARBAGE", "--tls-key", "KEY")]
    [TestCase("--tls-cert/--tls-key", "not a PEM certificate", "--async", "--tls-cert", "CERT", "--tls-key", "CERT")]
    [TestCase("--async", "--lowlevel", "--async", "--lowlevel")]
    [TestCase("--loops", "--async", "--async", "--loops", "2")]
    public async Task Echo_async_rejects_bad_tls_and_mode_options_with_exit_code_2(string message, string detail, params string[] arguments)
    {
        string garbage = Path.Combine(_certificates.Directory, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        string[] resolved = arguments.Select(a => a switch
        {
            "CERT" => _certificates.Localhost.CertificatePath,
            "KEY" => _certificates.Localhost.KeyPath,
            "MISSING" => Path.Combine(_certificates.Directory, "missing.pem"),
            "GARBAGE" => garbage,
            _ => a,
        }).ToArray();

        using var server = ExampleProcess.Start(["echo", "--port", "0", .. resolved]);
        (await server.WaitForExitAsync()).Should().Be(2, string.Join("\n", server.ErrorLines));
        server.ErrorLines.Should().Contain(l => l.StartsWith("Selectors.Examples echo: ", StringComparison.Ordinal) && l.Contains(message) && l.Contains(detail));
        server.ErrorLines.Should().Contain(l => l.StartsWith("usage: Selectors.Examples echo", StringComparison.Ordinal));
        server.OutputLines.Should().BeEmpty();
    }

    [Test]
    public async Task Echo_help_describes_async_and_its_tls_options()
    {
        using var help = ExampleProcess.Start("echo", "--help");
        (await help.WaitForExitAsync()).Should().Be(0);
        string text = string.Join("\n", help.OutputLines);
        text.Should().Contain("--async").And.Contain("--tls-cert PATH").And.Contain("--tls-key PATH");
    }
}

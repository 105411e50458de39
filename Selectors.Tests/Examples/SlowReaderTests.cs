using System;
using System.Threading.Tasks;
using FluentAssertions;
using Mono.Unix.Native;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Examples;

/// <summary>
/// Partial writes and back-pressure in the low-level servers: a python3 client with a 4 KiB receive buffer sends more
/// than the kernel buffers hold and starts reading only after half a second, so the server's sends stop part-way
/// (EAGAIN) and its output waits; the client must still get every byte of the answer, in order.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SlowReaderTests
{
    /// <summary>argv: port, mode (echo: 8 MiB of random bytes back; thanks: 200000 lines, one Ok,Thanks each). 30 s per socket call.</summary>
    private const string SlowReader = """
        import os, socket, sys, threading, time
        port, mode = int(sys.argv[1]), sys.argv[2]
        if mode == "echo":
            payload = os.urandom(8 * 1024 * 1024)
            expected = payload
        else:
            payload = b"x\n" * 200000
            expected = b"Ok,Thanks\n" * 200000
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(30)
        s.connect(("127.0.0.1", port))
        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        time.sleep(0.5)
        received = bytearray()
        while True:
            data = s.recv(65536)
            if not data:
                break
            received += data
        sender.join(30)
        s.close()
        if bytes(received) != expected:
            at = next((k for k, (a, b) in enumerate(zip(received, expected)) if a != b), min(len(received), len(expected)))
            print(f"got {len(received)} of {len(expected)} bytes; first difference at {at}", file=sys.stderr)
            sys.exit(1)
        print(f"ok {len(received)}")
        """;

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Runs epoll and stops the server with POSIX signals.");
        }
    }

    [TestCase("echo", "echo", "--lowlevel")]
    [TestCase("echo", "echo", "--edge")]
    [TestCase("thanks", "select-server")]
    [TestCase("thanks", "poll-server")]
    public async Task A_client_that_reads_late_gets_every_byte_of_the_answer(string mode, params string[] command)
    {
        using var server = await ExampleProcess.StartListeningAsync([.. command, "--port", "0"]);
        int port = server.Port;

        var (exitCode, stdout, stderr) = await ClientProgram.PythonAsync(SlowReader, TimeSpan.FromSeconds(90), port.ToString(), mode);

        exitCode.Should().Be(0, $"the python client said: {stderr}");
        stdout.Trim().Should().Be(mode == "echo" ? $"ok {8 * 1024 * 1024}" : $"ok {200000 * 10}");
        (await server.StopAsync(Signum.SIGTERM)).Should().Be(0);
    }
}

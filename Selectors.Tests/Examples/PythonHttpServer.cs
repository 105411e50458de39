using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;

namespace Selectors.Tests.Examples;

/// <summary>
/// <c>python3 -m http.server --bind 127.0.0.1 PORT --directory DIR</c> on a free port, ready once it accepts a
/// connection; <see cref="Dispose"/> kills it by its own process handle.
/// </summary>
internal sealed class PythonHttpServer : IDisposable
{
    private readonly Process _process;

    /// <summary>Starts serving <paramref name="directory"/> on <paramref name="port"/> and waits (bounded) until it accepts connections.</summary>
    public PythonHttpServer(string directory, int port)
    {
        Port = port;
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-m", "http.server", "--bind", "127.0.0.1", port.ToString(), "--directory", directory })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        // Its request log goes to stderr; drain both streams so a full pipe can never stall it.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    /// <summary>The port it serves on.</summary>
    public int Port { get; }

    /// <summary>A port that was free a moment ago (python binds it next; a clash fails the readiness check clearly).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // Only the process this fixture started, by its own handle.
                _process.WaitForExit(5_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void WaitUntilListening()
    {
        var watch = Stopwatch.StartNew();
        for (int attempt = 0; attempt < 300; attempt++)
        {
            _process.HasExited.Should().BeFalse($"python3 -m http.server should be serving on port {Port}");
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"python3 -m http.server did not listen on 127.0.0.1:{Port}");
    }
}

using System;
using System.ComponentModel;
using System.Diagnostics;
using NUnit.Framework;

namespace Selectors.Tests.Support;

/// <summary>
/// A python3 child process that holds one end of a connection and sends one byte on it ("I hold it"), then sleeps
/// until it is killed: the peer whose death the fault tests watch. Killed with SIGKILL by its own process id, never by
/// name, so the kernel (not the peer) closes its end, as when a real peer crashes.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    /// <summary>The peer's program; its sleep bounds the life of a peer that a test failed to dispose.</summary>
    private const string Script = """
        import socket, sys, time
        if sys.argv[1] == "connect":
            s = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
        else:
            s = socket.socket(fileno=int(sys.argv[2]))
        s.sendall(b"!")
        time.sleep(60)
        """;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The interpreter behind <c>python3</c>, asked once: a version manager's shim (pyenv here) takes seconds per start
    /// on a loaded machine, the interpreter itself a fraction of one.
    /// </summary>
    private static readonly Lazy<string> s_interpreter = new(FindInterpreter);
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    /// <summary>Whether the process has ended.</summary>
    internal bool HasExited => _process.HasExited;

    /// <summary>A peer that connects to 127.0.0.1:<paramref name="port"/> by itself.</summary>
    internal static PeerProcess ConnectTo(int port) => Start("connect", port);

    /// <summary>
    /// A peer that inherits descriptor <paramref name="fd"/> (which must not be close-on-exec) and uses it as a socket.
    /// The caller closes its own copy once this returns, so the child holds the only one.
    /// </summary>
    internal static PeerProcess Inheriting(int fd) => Start("inherit", fd);

    /// <summary>Sends SIGKILL to the child's own process id and waits (bounded) until it is gone.</summary>
    internal void Kill()
    {
        if (TestInterop.Kill(_process.Id, TestInterop.SIGKILL) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed: {TestInterop.LastErrno}");
        }

        if (!_process.WaitForExit(ExitTimeout))
        {
            throw new TimeoutException($"python3 (pid {_process.Id}) was still running {ExitTimeout} after SIGKILL.");
        }
    }

    /// <summary>What the child wrote to stderr, once it has ended: explains a peer that never sent its byte.</summary>
    internal string ErrorOutput() => _process.HasExited ? _process.StandardError.ReadToEnd() : "(still running)";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static string FindInterpreter()
    {
        var (exitCode, stdout, stderr) = ClientProgram.PythonAsync("import sys; print(sys.executable)", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        string path = stdout.Trim();
        return exitCode == 0 && path.Length > 0 ? path : throw new InvalidOperationException($"python3 did not name its interpreter: {stderr}");
    }

    private static PeerProcess Start(string mode, int argument)
    {
        var start = new ProcessStartInfo(s_interpreter.Value)
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(argument.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            return new PeerProcess(Process.Start(start) ?? throw new InvalidOperationException("python3 did not start"));
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"python3 ({start.FileName}) could not be started ({e.Message}); these tests need it installed (Debian: apt-get install python3).");
            throw;
        }
    }
}

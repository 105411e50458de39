using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace Selectors.Tests.Support.Tls;

/// <summary>
/// A real TLS peer: python3's <c>http.server</c> wrapped by <c>ssl.SSLContext(PROTOCOL_TLS_SERVER)</c>
/// (Support/Tls/tls_site_server.py), serving a directory on 127.0.0.1 on a port the kernel picks, with a chosen
/// certificate, or closing every connection in the middle of the handshake, and optionally a plain-HTTP site on a
/// second port that links and redirects to the https one. A different TLS stack from .NET's, so a client that only
/// talks to itself cannot pass. Started by the test that uses it; <see cref="Dispose"/> kills it by its own process
/// handle; the script also exits by itself after a bounded lifetime.
/// </summary>
internal sealed class TlsSiteServer : IDisposable
{
    /// <summary>How long python may take to start and bind; a loaded machine's interpreter start takes seconds.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly BlockingCollection<string> _stdout = [];

    private TlsSiteServer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdout.CompleteAdding();
            }
            else
            {
                _stdout.Add(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The port serving HTTPS (or, for <see cref="ClosingMidHandshake"/>, accepting and hanging up).</summary>
    public int HttpsPort { get; private set; }

    /// <summary>The plain-HTTP port that links and redirects to https://localhost:<see cref="HttpsPort"/>, or 0 without one.</summary>
    public int HttpPort { get; private set; }

    /// <summary>What python wrote to stderr so far (its request log and tracebacks): explains a failed exchange.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Serves <paramref name="directory"/> over HTTPS with <paramref name="certificate"/>; with
    /// <paramref name="httpRedirect"/>, also plain HTTP on <see cref="HttpPort"/>: <c>/</c> is a page linking to
    /// https://localhost:<see cref="HttpsPort"/>/ and every other path a 301 to the same path there.
    /// </summary>
    public static TlsSiteServer Serving(string directory, CertificatePair certificate, bool httpRedirect = false) =>
        Start(directory, certificate, httpRedirect ? ["--http-redirect"] : []);

    /// <summary>Accepts TCP, reads the first bytes of the ClientHello, and closes: a peer that vanishes mid-handshake.</summary>
    public static TlsSiteServer ClosingMidHandshake(CertificatePair certificate) =>
        Start(Path.GetTempPath(), certificate, ["--close-mid-handshake"]);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // Only the process this fixture started, by its own handle.
            }

            if (_process.WaitForExit(5_000))
            {
                // Once it has exited, this overload also waits for the output readers' last events, so none arrives
                // after the process object is gone. (_stdout is left to the collector: a late reader event must never
                // meet a disposed collection on a thread-pool thread, where an exception ends the test run.)
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static TlsSiteServer Start(string directory, CertificatePair certificate, string[] options)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string script = Path.Combine(ExampleProcess.RepositoryRoot(), "Selectors.Tests", "Support", "Tls", "tls_site_server.py");
        foreach (string argument in (string[])[script, "--directory", directory, "--cert", certificate.CertificatePath, "--key", certificate.KeyPath, "--lifetime", "300", .. options])
        {
            start.ArgumentList.Add(argument);
        }

        Process? process = null;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"python3 could not be started ({e.Message}); these tests need it installed (Debian: apt-get install python3).");
        }

        var server = new TlsSiteServer(process ?? throw new InvalidOperationException("python3 did not start"));
        try
        {
            server.WaitUntilReady();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Reads the script's <c>https PORT</c>, <c>http PORT</c> and <c>ready</c> lines, within <see cref="StartLimit"/>.</summary>
    private void WaitUntilReady()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan left = StartLimit - watch.Elapsed;
            if (left <= TimeSpan.Zero || !_stdout.TryTake(out string? line, left))
            {
                throw new TimeoutException($"tls_site_server.py was not ready within {StartLimit} (exited: {_process.HasExited}); stderr: {ErrorOutput}");
            }

            string[] words = line.Split(' ');
            switch (words[0])
            {
                case "https":
                    HttpsPort = int.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "http":
                    HttpPort = int.Parse(words[1], CultureInfo.InvariantCulture);
                    break;
                case "ready":
                    return;
            }
        }
    }
}

using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Selectors.Examples;

/// <summary>
/// The <c>echo</c> subcommand: by default the echo server from Python's selectors documentation on a selector
/// (<see cref="EchoServer"/>); with <c>--lowlevel</c> the classic Python epoll server on <see cref="Epoll.EpollInstance"/>
/// (<see cref="LevelEpollServer"/>), with <c>--edge</c> the same on edge-triggered epoll (<see cref="EdgeEpollServer"/>).
/// With <c>--async</c> the same server written as coroutines on <see cref="SelectorLoop"/> (<see cref="AsyncEchoServer"/>),
/// over TLS with <c>--tls-cert</c> and <c>--tls-key</c>. <c>--loops N</c> runs N selector servers on one port (<see cref="LoopGroup"/>); the low-level servers, ports of
/// single-loop Python programs, run one.
/// </summary>
internal static class EchoCommand
{
    /// <summary>The command's entry in <see cref="Program"/>'s table.</summary>
    public static Command Command { get; } = new(
        "echo",
        "The echo server from Python's selectors documentation, with partial sends handled; --lowlevel: the classic "
        + "select.epoll server on EpollInstance, --edge: the same edge-triggered; --async: coroutines on SelectorLoop, "
        + "with --tls-cert/--tls-key over TLS. Ctrl+C or SIGTERM stops it.",
        [
            ServerOptions.Host,
            ServerOptions.Port,
            new Option("--backend", "NAME", $"selector: {string.Join(", ", SelectorFactory.Names)} (default: default; epoll only with --lowlevel/--edge)"),
            new Option("--lowlevel", null, "the classic Python epoll server, level-triggered, on EpollInstance instead of a selector"),
            new Option("--edge", null, "the low-level epoll server, edge-triggered (EPOLLET): accept, read and write until EAGAIN"),
            new Option("--async", null, "the server as coroutines on SelectorLoop: an accept loop and one task per connection (sock_accept, sock_recv, sock_sendall)"),
            new Option("--tls-cert", "PATH", "with --async: serve TLS with this PEM certificate (chain); needs --tls-key"),
            new Option("--tls-key", "PATH", "with --async: the PEM private key of --tls-cert"),
            LoopsOption.Option,
            ServerOptions.Verbose,
            Option.Help,
        ],
        Run);

    private static int Run(Arguments args)
    {
        IPEndPoint endpoint = ServerOptions.Endpoint(args);
        string backend = args.Choice("--backend", SelectorFactory.Names, "default");
        TextWriter? log = ServerOptions.Log(args);
        bool edge = args.Flag("--edge");
        bool lowLevel = edge || args.Flag("--lowlevel");
        if (lowLevel && backend is not ("default" or "epoll"))
        {
            throw new UsageException("--lowlevel and --edge run on epoll itself: --backend must be epoll or default");
        }

        bool async = args.Flag("--async");
        if (async && lowLevel)
        {
            throw new UsageException("--async runs on a selector: it does not combine with --lowlevel or --edge");
        }

        if (async && args.Flag(LoopsOption.Option.Name))
        {
            throw new UsageException("--loops applies to the callback server: --async runs one loop");
        }

        X509Certificate2? certificate = TlsCertificate(args, async);
        if (async)
        {
            using var stopAsync = new StopSignal();
            using var server = new AsyncEchoServer(SelectorFactory.Create(backend), endpoint, certificate, log, Console.Error);
            return ServerOptions.Serve(server.LocalEndPoint, server.Backend.ToString(), () => server.Run(stopAsync), stopAsync, log);
        }

        int loops = lowLevel ? 1 : LoopsOption.Count(args);
        if (lowLevel && args.Flag(LoopsOption.Option.Name))
        {
            throw new UsageException("--loops applies to the selector server: --lowlevel and --edge run one loop");
        }

        // Disposed in reverse: the server closes its sockets (and its selector or epoll), then the signal handlers go.
        using var stop = new StopSignal();
        if (lowLevel)
        {
            using ReadinessServer epollServer = edge
                ? new EdgeEpollServer(endpoint, Protocols.Echo, log, Console.Error)
                : new LevelEpollServer(endpoint, Protocols.Echo, log, Console.Error);
            return ServerOptions.Serve(epollServer, stop, log);
        }

        using var group = new LoopGroup(loops, endpoint, () => SelectorFactory.Create(backend), (selector, at, reusePort) => new EchoServer(selector, at, log, Console.Error, reusePort));
        return group.Serve(stop, log);
    }

    /// <summary>
    /// The certificate of <c>--tls-cert</c> with the key of <c>--tls-key</c>, or null when neither is given.
    /// </summary>
    /// <exception cref="UsageException">Only one of them, either without <c>--async</c>, a file that can't be read, or
    /// PEM that does not hold a certificate and its key.</exception>
    private static X509Certificate2? TlsCertificate(Arguments args, bool async)
    {
        bool hasCert = args.Flag("--tls-cert");
        bool hasKey = args.Flag("--tls-key");
        if (!hasCert && !hasKey)
        {
            return null;
        }

        if (!async)
        {
            throw new UsageException($"{(hasCert ? "--tls-cert" : "--tls-key")} needs --async: only the coroutine server serves TLS");
        }

        if (!hasCert || !hasKey)
        {
            throw new UsageException(hasCert ? "--tls-cert needs --tls-key (its private key)" : "--tls-key needs --tls-cert (its certificate)");
        }

        string certPath = args.Text("--tls-cert", "");
        string keyPath = args.Text("--tls-key", "");
        Readable("--tls-cert", certPath);
        Readable("--tls-key", keyPath);
        try
        {
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!OperatingSystem.IsLinux())
            {
                return new X509Certificate2(pem);
            }

            // On Linux, SslStream can't use the ephemeral key CreateFromPemFile makes: re-import it through PKCS#12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"--tls-cert/--tls-key: '{certPath}' and '{keyPath}' are not a PEM certificate and its private key: {e.Message}");
        }
    }

    /// <summary>Checks that the file of <paramref name="option"/> can be read.</summary>
    /// <exception cref="UsageException">It can't.</exception>
    private static void Readable(string option, string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{option}: cannot read '{path}': {e.Message}");
        }
    }
}

using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Tests.Support.Tls;

/// <summary>
/// The reference TLS client the infrastructure is checked with: .NET's own <see cref="SslStream"/> over a blocking
/// <see cref="NetworkStream"/> to 127.0.0.1, one HTTP/1.0 GET. If the certificates or the server were wrong, this
/// client (not the crawler under test) fails first, so a crawler test failure later means the crawler.
/// </summary>
internal static class TlsClient
{
    /// <summary>Bounds the handshake and every read: a peer that stalls fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and completes the TLS handshake with <paramref name="options"/>.</summary>
    public static async Task<SslStream> ConnectAsync(int port, SslClientAuthenticationOptions options)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { ReceiveTimeout = (int)Limit.TotalMilliseconds, SendTimeout = (int)Limit.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            // The SslStream owns the NetworkStream, which owns the socket (TcpClient.GetStream): disposing it closes all.
            var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            try
            {
                using var timeout = new CancellationTokenSource(Limit);
                await tls.AuthenticateAsClientAsync(options, timeout.Token);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>GET <paramref name="path"/> over TLS; returns the whole response (head and body) as text.</summary>
    public static async Task<string> GetAsync(int port, SslClientAuthenticationOptions options, string path)
    {
        await using SslStream tls = await ConnectAsync(port, options);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: {options.TargetHost}\r\nConnection: close\r\n\r\n"));
        var response = new MemoryStream();
        using var timeout = new CancellationTokenSource(Limit);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await tls.ReadAsync(buffer, timeout.Token)) > 0)
        {
            response.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(response.ToArray());
    }
}

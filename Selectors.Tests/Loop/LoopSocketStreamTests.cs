using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Loop;

/// <summary>
/// <see cref="LoopSocketStream"/>: .NET's <see cref="SslStream"/> runs over it on the loop's thread, client and server
/// in one loop over a loopback TCP connection: the handshakes, data both ways larger than any socket buffer, the
/// close_notify at shutdown, and a failed validation surfacing as the exception of the call that awaits it.
/// </summary>
[BackendAvailable]
[TestFixtureSource(typeof(BackendFixtures), nameof(BackendFixtures.Selectors))]
public sealed class LoopSocketStreamTests(string backend) : LoopFixture(backend)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private Socket _server = null!;
    private Socket _client = null!;

    // Runs after LoopFixture.CreateLoop (NUnit runs a base class's SetUp first); LoopFixture disposes the pair.
    [SetUp]
    public void ConnectOverLoopback() => (_server, _client) = TcpPair();

    [Test]
    public void SslStreamHandshakesExchangesAMebibyteEachWayAndShutsDownOnTheLoopThread()
    {
        using X509Certificate2 certificate = SelfSigned("localhost");
        int loopThread = Environment.CurrentManagedThreadId;
        bool offLoop = false;
        void Check() => offLoop |= Environment.CurrentManagedThreadId != loopThread;
        byte[] fromClient = RandomNumberGenerator.GetBytes(1 << 20);
        byte[] fromServer = RandomNumberGenerator.GetBytes(1 << 20);

        (byte[] ServerGot, byte[] ClientGot) result = RunBounded(async () =>
        {
            using var serverTls = new SslStream(new LoopSocketStream(Loop, _server, ownsSocket: false));
            using var clientTls = new SslStream(new LoopSocketStream(Loop, _client, ownsSocket: false));
            Task serverHandshake = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
            await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
            });
            Check();
            await serverHandshake;
            Check();

            Task<byte[]> serverReads = ReadAllAsync(serverTls, fromClient.Length, Check);
            Task clientWrites = clientTls.WriteAsync(fromClient).AsTask();
            Task<byte[]> clientReads = ReadAllAsync(clientTls, fromServer.Length, Check);
            await serverTls.WriteAsync(fromServer);
            Check();
            await clientWrites;
            byte[] serverGot = await serverReads;
            byte[] clientGot = await clientReads;

            await serverTls.ShutdownAsync(); // close_notify
            Check();
            (await clientTls.ReadAsync(new byte[16])).Should().Be(0, "the client reads the server's close_notify as the end of the stream");
            Check();
            return (serverGot, clientGot);
        });

        result.ServerGot.Should().Equal(fromClient);
        result.ClientGot.Should().Equal(fromServer);
        offLoop.Should().BeFalse("every continuation runs on the loop's thread");
    }

    [Test]
    public void AFailedValidationIsTheExceptionOfTheAwaitedHandshake()
    {
        using X509Certificate2 certificate = SelfSigned("localhost");
        Exception? clientFailure = RunBounded(async () =>
        {
            using var serverTls = new SslStream(new LoopSocketStream(Loop, _server, ownsSocket: false));
            using var clientTls = new SslStream(new LoopSocketStream(Loop, _client, ownsSocket: false));
            Task serverHandshake = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
            Exception? failure = null;
            try
            {
                // .NET's default validation: the system's trust store, which does not hold this self-signed certificate.
                await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
            }
            catch (AuthenticationException e)
            {
                failure = e;
            }

            _client.Dispose(); // the server's handshake ends too, with an error
            try
            {
                await serverHandshake;
            }
            catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
            {
                // Expected: the client went away mid-handshake.
            }

            return failure;
        });

        clientFailure.Should().BeOfType<AuthenticationException>();
    }

    [Test]
    public void SynchronousCallsAndBlockingSocketsAreRefused()
    {
        FluentActions.Invoking(() => new LoopSocketStream(Loop, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)))
            .Should().Throw<ArgumentException>().WithMessage("*non-blocking*");
        using var stream = new LoopSocketStream(Loop, _client, ownsSocket: false);
        stream.Invoking(s => s.Read(new byte[1], 0, 1)).Should().Throw<NotSupportedException>();
        stream.Invoking(s => s.Write(new byte[1], 0, 1)).Should().Throw<NotSupportedException>();
        stream.CanSeek.Should().BeFalse();
    }

    private T RunBounded<T>(Func<Task<T>> body)
    {
        using var bound = new CancellationTokenSource(Bound);
        using CancellationTokenRegistration stop = bound.Token.Register(Loop.Stop);
        return Loop.RunUntilComplete(body);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, int length, Action check)
    {
        var received = new byte[length];
        int total = 0;
        while (total < length)
        {
            int n = await stream.ReadAsync(received.AsMemory(total));
            check();
            if (n == 0)
            {
                throw new EndOfStreamException($"the stream ended after {total} of {length} bytes");
            }

            total += n;
        }

        return received;
    }

    private static X509Certificate2 SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and loaded again, so the key is usable by the TLS server on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}

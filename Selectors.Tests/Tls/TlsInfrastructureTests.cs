using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Examples;
using Selectors.Tests.Examples;
using Selectors.Tests.Support.Tls;

namespace Selectors.Tests.Tls;

/// <summary>
/// The TLS test infrastructure checked against .NET's own <see cref="SslStream"/>: certificates made by the openssl
/// command line (Support/Tls/TestCertificates.cs), a python3 TLS site on loopback (Support/Tls/TlsSiteServer.cs), and
/// the examples' client options (Selectors.Examples/Shared/TrustedCertificates.cs). Each certificate must be accepted
/// or rejected for the reason it was made for, so the https crawler's tests can rely on them.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TlsInfrastructureTests
{
    private TestCertificates _certificates = null!;
    private X509Certificate2 _ca = null!;

    [OneTimeSetUp]
    public async Task MakeCertificates()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("These tests run openssl and python3 from Debian.");
        }

        _certificates = await TestCertificates.CreateAsync();
        _ca = X509CertificateLoader.LoadCertificateFromFile(_certificates.CaCertificatePath);
    }

    [OneTimeTearDown]
    public void DeleteCertificates()
    {
        _ca?.Dispose();
        _certificates?.Dispose();
    }

    [Test]
    public void TheCertificatesCarryTheNamesAndDatesTheyWereMadeFor()
    {
        using var localhost = X509Certificate2.CreateFromPemFile(_certificates.Localhost.CertificatePath, _certificates.Localhost.KeyPath);
        localhost.HasPrivateKey.Should().BeTrue();
        localhost.Issuer.Should().Be(_ca.Subject);
        localhost.MatchesHostname("localhost").Should().BeTrue();
        localhost.MatchesHostname("127.0.0.1").Should().BeTrue();
        localhost.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority.Should().BeFalse();
        localhost.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(o => o.Value).Should().Equal("1.3.6.1.5.5.7.3.1");

        using var other = X509CertificateLoader.LoadCertificateFromFile(_certificates.OtherName.CertificatePath);
        other.MatchesHostname("other.example").Should().BeTrue();
        other.MatchesHostname("localhost").Should().BeFalse();

        using var expired = X509CertificateLoader.LoadCertificateFromFile(_certificates.Expired.CertificatePath);
        expired.Issuer.Should().Be(_ca.Subject);
        expired.NotAfter.Should().BeBefore(DateTime.Now);

        using var selfSigned = X509CertificateLoader.LoadCertificateFromFile(_certificates.SelfSigned.CertificatePath);
        selfSigned.Issuer.Should().Be(selfSigned.Subject);
        selfSigned.MatchesHostname("localhost").Should().BeTrue();
    }

    [Test]
    public async Task DisposeDeletesTheCertificateDirectory()
    {
        string directory;
        using (var certificates = await TestCertificates.CreateAsync())
        {
            directory = certificates.Directory;
            File.Exists(certificates.CaCertificatePath).Should().BeTrue();
        }

        Directory.Exists(directory).Should().BeFalse();
    }

    [Test]
    public async Task WithTheCaTrustedAGetOfTheRootReturns200AndThePage()
    {
        using var site = new TlsSite(_certificates.Localhost);
        string response = await TlsClient.GetAsync(site.Server.HttpsPort, TrustingTheCa(), "/");
        response.Should().StartWith("HTTP/1.0 200").And.Contain("<h1 id=top>page 0</h1>")
            .And.Contain($"https://localhost:{site.Server.HttpsPort}/", "full-URL links name the https site");
    }

    [Test]
    public async Task WithoutTheCaTheHandshakeFails()
    {
        using var site = new TlsSite(_certificates.Localhost);
        var observed = new ValidationRecord();
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, observed.Recording(new SslClientAuthenticationOptions { TargetHost = "localhost" }), "/");
        await get.Should().ThrowAsync<AuthenticationException>();
        observed.Errors.Should().Be(SslPolicyErrors.RemoteCertificateChainErrors);
    }

    [Test]
    public async Task ACertificateForAnotherNameFailsWithANameMismatch()
    {
        using var site = new TlsSite(_certificates.OtherName);
        var observed = new ValidationRecord();
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, observed.Recording(TrustingTheCa()), "/");
        await get.Should().ThrowAsync<AuthenticationException>();
        observed.Errors.Should().Be(SslPolicyErrors.RemoteCertificateNameMismatch, "the chain is trusted; only the name is wrong");
    }

    [Test]
    public async Task AnExpiredCertificateFailsAsNotTimeValid()
    {
        using var site = new TlsSite(_certificates.Expired);
        var observed = new ValidationRecord();
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, observed.Recording(TrustingTheCa()), "/");
        await get.Should().ThrowAsync<AuthenticationException>();
        observed.Errors.Should().Be(SslPolicyErrors.RemoteCertificateChainErrors);
        observed.ChainStatus.Should().Contain(X509ChainStatusFlags.NotTimeValid);
    }

    [Test]
    public async Task ASelfSignedCertificateFailsEvenWithTheCaTrusted()
    {
        using var site = new TlsSite(_certificates.SelfSigned);
        var observed = new ValidationRecord();
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, observed.Recording(TrustingTheCa()), "/");
        await get.Should().ThrowAsync<AuthenticationException>();
        observed.Errors.Should().Be(SslPolicyErrors.RemoteCertificateChainErrors);
    }

    [Test]
    public async Task AServerThatClosesMidHandshakeFailsTheHandshakePromptly()
    {
        using var server = TlsSiteServer.ClosingMidHandshake(_certificates.Localhost);
        var watch = Stopwatch.StartNew();
        Func<Task> connect = async () => await (await TlsClient.ConnectAsync(server.HttpsPort, TrustingTheCa())).DisposeAsync();
        var thrown = await connect.Should().ThrowAsync<Exception>();
        thrown.Which.Should().Match(e => e is IOException || e is AuthenticationException, "a handshake cut short is an I/O or authentication failure");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the peer's close ends the handshake, no timeout is involved");
    }

    [Test]
    public async Task ThePlainHttpSiteLinksAndRedirectsToTheHttpsSiteOnTheSameHostName()
    {
        using var site = new TlsSite(_certificates.Localhost, httpRedirect: true);
        int http = site.Server.HttpPort;
        int https = site.Server.HttpsPort;
        http.Should().BePositive().And.NotBe(https);

        string home = await PlainGetAsync(http, "/");
        home.Should().StartWith("HTTP/1.0 200").And.Contain($"<a href=\"https://localhost:{https}/\">");

        string redirect = await PlainGetAsync(http, "/p1.html");
        redirect.Should().StartWith("HTTP/1.0 301").And.Contain($"Location: https://localhost:{https}/p1.html\r\n");

        string page = await TlsClient.GetAsync(https, TrustingTheCa(), "/p1.html");
        page.Should().StartWith("HTTP/1.0 200").And.Contain("<h1 id=top>page 1</h1>");
    }

    [Test]
    public async Task TrustedCertificatesWithTheCaFileAcceptsTheLocalhostCertificate()
    {
        using var site = new TlsSite(_certificates.Localhost);
        string response = await TlsClient.GetAsync(site.Server.HttpsPort, TrustedCertificates.ClientOptions("localhost", _certificates.CaCertificatePath), "/");
        response.Should().StartWith("HTTP/1.0 200").And.Contain("<h1 id=top>page 0</h1>");
    }

    [Test]
    public async Task TrustedCertificatesAcceptsAnyCaInAFileOfSeveral()
    {
        string bundle = Path.Combine(_certificates.Directory, "bundle.pem");
        File.WriteAllText(bundle, File.ReadAllText(_certificates.SelfSigned.CertificatePath) + File.ReadAllText(_certificates.CaCertificatePath));
        using var site = new TlsSite(_certificates.Localhost);
        string response = await TlsClient.GetAsync(site.Server.HttpsPort, TrustedCertificates.ClientOptions("localhost", bundle), "/");
        response.Should().StartWith("HTTP/1.0 200");
    }

    [Test]
    public async Task TrustedCertificatesWithoutACaFileKeepsTheSystemStoreOnly()
    {
        SslClientAuthenticationOptions options = TrustedCertificates.ClientOptions("localhost", null);
        options.RemoteCertificateValidationCallback.Should().BeNull("the default validation applies");
        options.TargetHost.Should().Be("localhost");
        using var site = new TlsSite(_certificates.Localhost);
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, options, "/");
        await get.Should().ThrowAsync<AuthenticationException>();
    }

    [TestCase("other-name")]
    [TestCase("expired")]
    [TestCase("self-signed")]
    public async Task TrustedCertificatesWithTheCaFileStillRejects(string which)
    {
        CertificatePair certificate = which switch
        {
            "other-name" => _certificates.OtherName,
            "expired" => _certificates.Expired,
            _ => _certificates.SelfSigned,
        };
        using var site = new TlsSite(certificate);
        Func<Task> get = () => TlsClient.GetAsync(site.Server.HttpsPort, TrustedCertificates.ClientOptions("localhost", _certificates.CaCertificatePath), "/");
        await get.Should().ThrowAsync<AuthenticationException>();
    }

    [Test]
    public void TrustedCertificatesRejectsAFileWithoutACertificate()
    {
        string empty = Path.Combine(_certificates.Directory, "empty.pem");
        File.WriteAllText(empty, "no certificate here\n");
        Action load = () => TrustedCertificates.ClientOptions("localhost", empty);
        load.Should().Throw<System.Security.Cryptography.CryptographicException>();
    }

    private static async Task<string> PlainGetAsync(int port, string path)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork) { ReceiveTimeout = (int)TlsClient.Limit.TotalMilliseconds };
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TlsClient.Limit);
    }

    /// <summary>
    /// Options that trust the test CA alone (<see cref="X509ChainTrustMode.CustomRootTrust"/>), for the name localhost.
    /// A chain policy of one's own replaces SslStream's, whose revocation mode is NoCheck, with X509ChainPolicy's
    /// default, Online: the test CA publishes no revocation list, so that would fail every chain (RevocationStatusUnknown).
    /// </summary>
    private SslClientAuthenticationOptions TrustingTheCa() => new()
    {
        TargetHost = "localhost",
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { _ca },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    /// <summary>What .NET's validation decided, recorded by a callback that then applies the default verdict (no error).</summary>
    private sealed class ValidationRecord
    {
        public SslPolicyErrors? Errors { get; private set; }

        public X509ChainStatusFlags[] ChainStatus { get; private set; } = [];

        public SslClientAuthenticationOptions Recording(SslClientAuthenticationOptions options)
        {
            options.RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                Errors = errors;
                ChainStatus = chain?.ChainStatus.Select(s => s.Status).ToArray() ?? [];
                return errors == SslPolicyErrors.None;
            };
            return options;
        }
    }
}

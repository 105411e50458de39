using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Selectors.Examples;

/// <summary>
/// The TLS client options an example uses to reach a server by name: .NET's default validation (the system trust
/// store and the host name check), and, with a PEM file of extra CA certificates (<c>--ca-file</c>), chains that end
/// in one of those CAs as well. Extra CAs widen the trust, they never replace it: a site signed by a public CA stays
/// reachable while a test's own CA is added, and a name mismatch, a missing certificate or an expired one is still
/// rejected.
/// </summary>
internal static class TrustedCertificates
{
    /// <summary>The extended key usage a server certificate must allow (id-kp-serverAuth).</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// Options for <see cref="SslStream.AuthenticateAsClientAsync(SslClientAuthenticationOptions, System.Threading.CancellationToken)"/>
    /// to <paramref name="host"/> (also the SNI name and the name checked against the certificate). With
    /// <paramref name="caFile"/> null, .NET's default validation alone; otherwise every certificate in that PEM file is
    /// a further trusted root.
    /// </summary>
    /// <exception cref="CryptographicException">The file holds no certificate, or one that does not parse.</exception>
    internal static SslClientAuthenticationOptions ClientOptions(string host, string? caFile)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (caFile is null)
        {
            return options;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
        {
            throw new CryptographicException($"{caFile} holds no PEM certificate.");
        }

        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Accepts(certificate, chain, errors, roots);
        return options;
    }

    /// <summary>
    /// Whether a server certificate is acceptable: with no error, yes; when the only error is the chain (the system
    /// store does not know its root), yes if the chain builds again with <paramref name="roots"/> as the trusted roots;
    /// any other error (a name mismatch, no certificate) rejects it.
    /// </summary>
    internal static bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        // The same revocation policy as the handshake's chain (SslStream's default: no check).
        custom.ChainPolicy.RevocationMode = chain?.ChainPolicy.RevocationMode ?? X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // The intermediates the server sent: the handshake's chain holds them, the new one must see them too.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            for (int i = 1; i < chain.ChainElements.Count; i++)
            {
                custom.ChainPolicy.ExtraStore.Add(chain.ChainElements[i].Certificate);
            }
        }

        if (certificate is X509Certificate2 leaf)
        {
            return custom.Build(leaf);
        }

        using var copy = new X509Certificate2(certificate);
        return custom.Build(copy);
    }
}

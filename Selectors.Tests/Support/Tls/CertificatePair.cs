namespace Selectors.Tests.Support.Tls;

/// <summary>
/// One certificate and its private key, as the PEM files a server loads (python's <c>load_cert_chain</c>, nginx's
/// <c>ssl_certificate</c>): paths, because the servers under test read files, not .NET objects.
/// </summary>
/// <param name="CertificatePath">The certificate, PEM.</param>
/// <param name="KeyPath">Its private key, PEM (PKCS#8, unencrypted).</param>
internal sealed record CertificatePair(string CertificatePath, string KeyPath);

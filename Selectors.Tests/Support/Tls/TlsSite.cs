using System;
using System.IO;
using Selectors.Tests.Examples;

namespace Selectors.Tests.Support.Tls;

/// <summary>
/// A generated site served over TLS by <see cref="TlsSiteServer"/> on loopback: the directory first, then the pages,
/// once the server's port is known (their full-URL links name https://localhost:PORT). Disposing stops the server
/// and deletes the pages.
/// </summary>
internal sealed class TlsSite : IDisposable
{
    private readonly GeneratedSiteTree _tree;

    /// <summary>Serves <paramref name="pages"/> generated pages with <paramref name="certificate"/>; see <see cref="TlsSiteServer.Serving"/> for <paramref name="httpRedirect"/>.</summary>
    public TlsSite(CertificatePair certificate, bool httpRedirect = false, int pages = 8)
    {
        string root = Directory.CreateTempSubdirectory("tls-site-").FullName;
        try
        {
            Server = TlsSiteServer.Serving(root, certificate, httpRedirect);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        _tree = new GeneratedSiteTree(pages, $"localhost:{Server.HttpsPort}", "https", root);
    }

    /// <summary>The server.</summary>
    public TlsSiteServer Server { get; }

    /// <summary>The site's pages.</summary>
    public GeneratedSiteTree Tree => _tree;

    /// <summary>The site's root URL: https://localhost:PORT/.</summary>
    public string Origin => $"https://localhost:{Server.HttpsPort}";

    public void Dispose()
    {
        Server.Dispose();
        _tree.Dispose();
    }
}

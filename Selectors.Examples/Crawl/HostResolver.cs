using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Selectors.Examples.Crawl;

/// <summary>
/// Host names to addresses, once per host. <see cref="Dns.GetHostAddresses(string)"/> blocks the loop while it runs;
/// a crawl of one site looks up its host once, so a resolver thread is not worth its complexity here.
/// </summary>
internal sealed class HostResolver
{
    private readonly Dictionary<string, (IPAddress? Address, string? Error)> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The address to connect to for <paramref name="url"/>, or the lookup's error message.</summary>
    public (IPAddress? Address, string? Error) Resolve(Uri url)
    {
        string host = url.DnsSafeHost; // "::1" for "[::1]"
        if (!_cache.TryGetValue(host, out var result))
        {
            result = Lookup(host);
            _cache[host] = result; // Failures too: a dead host name is not looked up again for each of its links.
        }

        return result;
    }

    private static (IPAddress? Address, string? Error) Lookup(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return (literal, null);
        }

        try
        {
            IPAddress[] addresses = Dns.GetHostAddresses(host);
            // IPv4 first: "localhost" often lists ::1 first, while test servers and python -m http.server bind 127.0.0.1.
            IPAddress? address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return address is null ? (null, $"DNS: no address for {host}") : (address, null);
        }
        catch (SocketException e)
        {
            return (null, $"DNS: {host}: {e.Message}");
        }
    }
}

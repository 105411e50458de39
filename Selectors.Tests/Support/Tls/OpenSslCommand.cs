using System;
using System.Threading.Tasks;

namespace Selectors.Tests.Support.Tls;

/// <summary>
/// Runs Debian's <c>openssl</c> command line with an argument list and a time limit (through
/// <see cref="ClientProgram"/>, which kills it past the limit): the test certificates come from the same tool an
/// operator would use, not from .NET's own certificate builder, so the crawler is tested against files made the way
/// real ones are.
/// </summary>
internal static class OpenSslCommand
{
    /// <summary>Generous for one key or one signature (each takes milliseconds), short enough to fail a hung run promptly.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>openssl ARGUMENTS</c>; on a non-zero exit, throws with what it wrote to stderr.</summary>
    /// <exception cref="InvalidOperationException">openssl failed; the message holds its command line and stderr.</exception>
    public static async Task RunAsync(params string[] arguments)
    {
        var (exitCode, _, stderr) = await ClientProgram.RunAsync("openssl", Limit, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited with {exitCode}: {stderr.Trim()}");
        }
    }
}

using System;

namespace Selectors.Examples;

/// <summary>
/// What a server answers to the bytes it receives, appended to the connection's output. The low-level servers are the
/// same readiness loops whatever they answer; the protocol is the only part that differs between echo and Ok,Thanks.
/// </summary>
internal delegate void Protocol(ReadOnlySpan<byte> received, OutputBuffer output);

/// <summary>The protocols of the examples.</summary>
internal static class Protocols
{
    /// <summary>Sends every byte back.</summary>
    public static Protocol Echo { get; } = (received, output) => output.Enqueue(received);

    /// <summary>
    /// Answers <c>Ok,Thanks\n</c> to each message, a message being a line. Python's original answers each recv(), but
    /// TCP may merge or split messages, so counting newlines is what makes one reply per message reliable. A count of
    /// newline bytes needs no state across receives.
    /// </summary>
    public static Protocol OkThanks { get; } = (received, output) =>
    {
        for (int i = received.IndexOf((byte)'\n'); i >= 0; i = received.IndexOf((byte)'\n'))
        {
            output.Enqueue("Ok,Thanks\n"u8);
            received = received[(i + 1)..];
        }
    };
}

namespace Selectors.Examples;

/// <summary>What one non-blocking receive or send on a <see cref="PeerConnection"/> did.</summary>
internal enum IoResult
{
    /// <summary>Bytes moved.</summary>
    Done,

    /// <summary>Nothing to do now (EAGAIN): readiness was a hint, or the buffer is full or empty.</summary>
    WouldBlock,

    /// <summary>The connection is over (end of file with nothing left to send, reset, error): close it.</summary>
    Closed,
}

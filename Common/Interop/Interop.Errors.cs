using System.Runtime.InteropServices;
using Selectors;

internal static partial class Interop
{
    /// <summary>
    /// EINTR, 4 on every Unix (Version 7's number, kept by Linux, macOS and FreeBSD alike). A constant, so the retry after
    /// a signal needs no table: it may run in a process that is out of descriptors and can load nothing more.
    /// </summary>
    internal const int EINTR = 4;

    /// <summary>
    /// The errno of the last P/Invoke made with <c>SetLastError = true</c> on this thread, as this OS numbers it (compare
    /// with <see cref="ErrorNumbers"/>). Read by the runtime itself: no native helper is involved.
    /// </summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>
    /// The one place that turns a failed system call (a -1 return and errno) into the library's OS error,
    /// so every OS error names the call that failed, like Python's OSError.
    /// </summary>
    internal static UnixSystemCallException ErrorForLastCall(string call) => new(call, LastErrno);

    /// <summary>Throws <see cref="ErrorForLastCall"/> when <paramref name="result"/> is -1; returns it otherwise.</summary>
    internal static int ThrowIfFailed(int result, string call) =>
        result == -1 ? throw ErrorForLastCall(call) : result;
}

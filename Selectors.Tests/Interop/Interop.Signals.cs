using System.Runtime.InteropServices;

namespace Selectors.Tests;

/// <summary>
/// The test project's own system calls: only what fixtures need and Mono.Posix lacks. Not in the global
/// <c>Interop</c> class: the libraries' internal <c>Interop</c> classes are visible here (InternalsVisibleTo), so naming
/// <c>Interop</c> from test code would be ambiguous.
/// </summary>
internal static partial class TestInterop
{
    private const string Libc = "libc";

    /// <summary>The calling thread's kernel thread id (gettid(2)), to direct a signal at one thread.</summary>
    [LibraryImport(Libc, EntryPoint = "gettid")]
    internal static partial int GetTid();

    /// <summary>The process id (getpid(2)).</summary>
    [LibraryImport(Libc, EntryPoint = "getpid")]
    internal static partial int GetPid();

    /// <summary>Sends <paramref name="signal"/> to thread <paramref name="tid"/> of process <paramref name="tgid"/> (tgkill(2)).</summary>
    [LibraryImport(Libc, EntryPoint = "tgkill", SetLastError = true)]
    internal static partial int TgKill(int tgid, int tid, int signal);
}

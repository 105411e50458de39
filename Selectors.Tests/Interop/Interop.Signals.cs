using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>The calling thread's kernel thread id (gettid(2)).</summary>
    [LibraryImport(Libc, EntryPoint = "gettid")]
    internal static partial int GetTid();

    /// <summary>The process id (getpid(2)).</summary>
    [LibraryImport(Libc, EntryPoint = "getpid")]
    internal static partial int GetPid();

    /// <summary>Sends <paramref name="signal"/> to one thread of a process (tgkill(2)); -1 with errno on failure.</summary>
    [LibraryImport(Libc, EntryPoint = "tgkill", SetLastError = true)]
    internal static partial int TgKill(int tgid, int tid, int signal);
}

using System.Runtime.InteropServices;

internal static partial class Interop
{
    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}

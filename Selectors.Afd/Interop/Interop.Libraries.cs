internal static partial class Interop
{
    /// <summary>The NT native API: the AFD driver's file and its I/O control calls.</summary>
    internal const string NtDll = "ntdll.dll";

    /// <summary>Completion ports and handles.</summary>
    internal const string Kernel32 = "kernel32.dll";

    /// <summary>Winsock, for a socket's base handle.</summary>
    internal const string Ws2_32 = "ws2_32.dll";
}

using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>SIO_BASE_HANDLE: the base service provider's socket under any layered providers, the one AFD knows.</summary>
    internal const uint SIO_BASE_HANDLE = 0x48000022;

    internal const int SOCKET_ERROR = -1;
    internal const int SOL_SOCKET = 0xFFFF;
    internal const int SO_TYPE = 0x1008;

    [LibraryImport(Ws2_32, SetLastError = true)]
    internal static unsafe partial int getsockopt(nint socket, int level, int optionName, void* optionValue, ref int optionLength);

    [LibraryImport(Ws2_32, SetLastError = true)]
    internal static unsafe partial int WSAIoctl(
        nint socket, uint ioControlCode, void* inBuffer, uint inBufferLength, void* outBuffer, uint outBufferLength,
        out uint bytesReturned, nint overlapped, nint completionRoutine);
}

internal static partial class Interop
{
    /// <summary>The C library; the runtime resolves "libc" to the platform's C library on glibc and musl.</summary>
    internal const string Libc = "libc";
}

using System.Runtime.InteropServices;

namespace Selectors.Tests;

internal static partial class TestInterop
{
    /// <summary>
    /// The calling thread's Windows thread id (GetCurrentThreadId), the id <see cref="System.Diagnostics.ProcessThread.Id"/>
    /// reports; .NET's managed thread id is another number.
    /// </summary>
    [LibraryImport("kernel32", EntryPoint = "GetCurrentThreadId")]
    internal static partial int GetCurrentThreadId();
}

using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>The AFD driver's poll request: one-shot, completed when any polled event holds (or at its timeout).</summary>
    internal const uint IOCTL_AFD_POLL = 0x00012024;

    /// <summary>
    /// AFD_POLL_INFO with room for one socket, as wepoll and mio issue it: one request per socket, so that each can
    /// be re-armed and cancelled on its own.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct AfdPollInfo
    {
        /// <summary>In 100 ns units; <see cref="long.MaxValue"/> never times out.</summary>
        public long Timeout;

        public uint NumberOfHandles;

        /// <summary>FALSE: other polls on the same socket stay pending (TRUE would complete them).</summary>
        public uint Exclusive;

        public AfdPollHandleInfo Handle;
    }

    /// <summary>AFD_POLL_HANDLE_INFO: the socket's base handle, the events polled for (then those that happened), and a status.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct AfdPollHandleInfo
    {
        public nint Handle;
        public uint Events;
        public int Status;
    }
}

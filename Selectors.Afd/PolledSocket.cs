using System;
using System.Runtime.InteropServices;

namespace Selectors.Afd;

/// <summary>
/// One socket in an <see cref="AfdPollSet"/>, as wepoll's <c>sock_state</c>: its interest and data, and the one AFD
/// poll it may have outstanding. The request's <c>IO_STATUS_BLOCK</c> and <c>AFD_POLL_INFO</c> live in native memory
/// that the driver writes when the poll completes, so that memory outlives the socket's registration: it is freed only
/// once the completion was dequeued (or never, if the driver never completes it).
/// </summary>
internal sealed unsafe class PolledSocket
{
    private readonly Request* _request;
    private GCHandle _self;

    internal PolledSocket(nint socket, nint baseSocket, AfdEvents interest, ulong data)
    {
        Socket = socket;
        BaseSocket = baseSocket;
        Interest = interest;
        Data = data;
        _request = (Request*)NativeMemory.AllocZeroed((nuint)sizeof(Request));
        _self = GCHandle.Alloc(this);
    }

    /// <summary>Where a poll of this socket stands.</summary>
    internal enum PollState
    {
        /// <summary>No poll outstanding: never armed, or its completion was dequeued.</summary>
        Idle,

        /// <summary>A poll is with the driver.</summary>
        Pending,

        /// <summary>A poll was cancelled; its completion (STATUS_CANCELLED, or its events if it won the race) is still to come.</summary>
        Cancelled,
    }

    /// <summary>The handle the socket was registered by (the set's key).</summary>
    internal nint Socket { get; }

    /// <summary>The base provider's socket, which the driver polls.</summary>
    internal nint BaseSocket { get; }

    internal AfdEvents Interest { get; set; }

    internal ulong Data { get; set; }

    internal PollState State { get; private set; }

    /// <summary>What the outstanding poll asks for (<see cref="AfdEvents.None"/> unless <see cref="State"/> is Pending).</summary>
    internal AfdEvents Polled { get; private set; }

    /// <summary>Unregistered (or its set disposed): its completion, when it comes, frees it instead of reporting.</summary>
    internal bool Forgotten { get; set; }

    /// <summary>Queued to be polled again before the set's next wait.</summary>
    internal bool Queued { get; set; }

    /// <summary>Whether the outstanding poll already asks for everything of <see cref="Interest"/>.</summary>
    internal bool PollCoversInterest => State == PollState.Pending && (Interest & ~Polled) == 0;

    /// <summary>The socket whose request completed, from the completion's context.</summary>
    internal static PolledSocket FromContext(nint context) =>
        (PolledSocket)GCHandle.FromIntPtr(((Request*)context)->Owner).Target!;

    /// <summary>
    /// Issues the poll for <see cref="Interest"/> (and the socket's close) on <paramref name="afd"/>; its completion
    /// reaches the set's port with this socket's request as the context.
    /// </summary>
    /// <returns>The NTSTATUS: STATUS_PENDING, or STATUS_SUCCESS when it completed at once (its packet is queued all the same).</returns>
    internal int Poll(SafeHandle afd)
    {
        AfdEvents polled = Interest | AfdEvents.LocalClose;
        _request->Owner = GCHandle.ToIntPtr(_self);
        _request->Info = new Interop.AfdPollInfo
        {
            Timeout = long.MaxValue,
            NumberOfHandles = 1,
            Exclusive = 0,
            Handle = new Interop.AfdPollHandleInfo { Handle = BaseSocket, Events = (uint)polled },
        };
        _request->Status.Status = Interop.STATUS_PENDING;
        int status = Interop.NtDeviceIoControlFile(
            afd, 0, 0, _request, &_request->Status, Interop.IOCTL_AFD_POLL,
            &_request->Info, (uint)sizeof(Interop.AfdPollInfo), &_request->Info, (uint)sizeof(Interop.AfdPollInfo));
        if (status is Interop.STATUS_PENDING or Interop.STATUS_SUCCESS)
        {
            State = PollState.Pending;
            Polled = polled;
        }

        return status;
    }

    /// <summary>Asks the driver to complete the outstanding poll now (it completes STATUS_CANCELLED, unless it just completed).</summary>
    /// <returns>The NTSTATUS of NtCancelIoFileEx: STATUS_SUCCESS, or STATUS_NOT_FOUND when the poll had completed already.</returns>
    internal int Cancel(SafeHandle afd)
    {
        Interop.IoStatusBlock cancel;
        int status = Interop.NtCancelIoFileEx(afd, &_request->Status, &cancel);
        if (status is Interop.STATUS_SUCCESS or Interop.STATUS_NOT_FOUND)
        {
            State = PollState.Cancelled;
            Polled = AfdEvents.None;
        }

        return status;
    }

    /// <summary>
    /// Takes the completed poll's result and makes the socket idle: the events that happened (within
    /// <see cref="Interest"/>), <see cref="AfdEvents.LocalClose"/> when the socket was closed, or
    /// <see cref="AfdEvents.Abort"/> when the driver failed the request.
    /// </summary>
    internal AfdEvents Complete()
    {
        State = PollState.Idle;
        Polled = AfdEvents.None;
        int status = _request->Status.Status;
        AfdEvents happened;
        if (status == Interop.STATUS_CANCELLED)
        {
            happened = AfdEvents.None;
        }
        else if (!Interop.NtSuccess(status))
        {
            // The request itself failed: an error, reported whatever the interest, as epoll reports EPOLLERR (and wepoll does).
            return AfdEvents.Abort;
        }
        else if (_request->Info.NumberOfHandles < 1)
        {
            happened = AfdEvents.None;
        }
        else
        {
            happened = (AfdEvents)_request->Info.Handle.Events;
            if ((happened & AfdEvents.LocalClose) != 0)
            {
                return AfdEvents.LocalClose;
            }
        }

        return happened & Interest;
    }

    /// <summary>Frees the native request; only once no poll of it can still complete.</summary>
    internal void Free()
    {
        if (_self.IsAllocated)
        {
            _self.Free();
            NativeMemory.Free(_request);
        }
    }

    /// <summary>What the driver writes: the status block first (its address identifies the request to NtCancelIoFileEx).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Request
    {
        public Interop.IoStatusBlock Status;
        public Interop.AfdPollInfo Info;

        /// <summary>The <see cref="GCHandle"/> of the owning <see cref="PolledSocket"/>.</summary>
        public nint Owner;
    }
}

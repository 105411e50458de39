namespace Selectors.Wakers;

/// <summary>The Linux waker: one eventfd, a 64-bit counter that is readable while non-zero (one descriptor, not two).</summary>
internal sealed unsafe class EventFdWaker : DescriptorWaker
{
    private readonly SafeDescriptorHandle _eventFd;

    internal EventFdWaker() =>
        _eventFd = new SafeDescriptorHandle(Interop.ThrowIfFailed(Interop.EventFd(0, Interop.EFD_CLOEXEC | Interop.EFD_NONBLOCK), "eventfd"));

    internal override int Fd => _eventFd.Fd;

    protected override void Signal()
    {
        // eventfd takes exactly 8 bytes (openjdk/jdk#2196 wrote 4 and failed); the flag in Waker keeps the counter at 1.
        ulong one = 1;
        while (Interop.Write(_eventFd, &one, sizeof(ulong)) < 0 && RetryAfterFailure("write(eventfd)"))
        {
        }
    }

    protected override void Drain()
    {
        ulong count;
        while (Interop.Read(_eventFd, &count, sizeof(ulong)) < 0 && RetryAfterFailure("read(eventfd)"))
        {
        }
    }

    protected override void Release() => _eventFd.Dispose();
}

using System;

namespace Selectors.Wakers;

/// <summary>The waker for Unix without eventfd: the classic self-pipe, both ends non-blocking and close-on-exec.</summary>
internal sealed unsafe class PipeWaker : DescriptorWaker
{
    private readonly SafeDescriptorHandle _readEnd;
    private readonly SafeDescriptorHandle _writeEnd;

    internal PipeWaker()
    {
        int* fds = stackalloc int[2];
        Interop.ThrowIfFailed(Interop.Pipe(fds), "pipe");
        _readEnd = new SafeDescriptorHandle(fds[0]);
        _writeEnd = new SafeDescriptorHandle(fds[1]);
        try
        {
            // pipe2 is Linux-only; two fcntl calls per end do the same everywhere.
            foreach (int fd in new[] { fds[0], fds[1] })
            {
                int flags = Interop.ThrowIfFailed(Interop.Fcntl(fd, Interop.F_GETFL, 0), "fcntl(F_GETFL)");
                Interop.ThrowIfFailed(Interop.Fcntl(fd, Interop.F_SETFL, flags | Interop.O_NONBLOCK), "fcntl(F_SETFL, O_NONBLOCK)");
                Interop.ThrowIfFailed(Interop.Fcntl(fd, Interop.F_SETFD, Interop.FD_CLOEXEC), "fcntl(F_SETFD, FD_CLOEXEC)");
            }
        }
        catch
        {
            Release();
            throw;
        }
    }

    internal override int Fd => _readEnd.Fd;

    protected override void Signal()
    {
        byte one = 1;
        while (Interop.Write(_writeEnd, &one, 1) < 0 && RetryAfterFailure("write(pipe)"))
        {
        }
    }

    protected override void Drain()
    {
        // Waker's flag means at most one byte is in the pipe; read a few to be safe, until EAGAIN.
        byte* buffer = stackalloc byte[16];
        while (true)
        {
            nint read = Interop.Read(_readEnd, buffer, 16);
            if (read == 0 || (read < 0 && !RetryAfterFailure("read(pipe)")))
            {
                return;
            }
        }
    }

    protected override void Release()
    {
        _readEnd.Dispose();
        _writeEnd.Dispose();
    }
}

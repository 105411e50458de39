using System.Runtime.InteropServices;

namespace Selectors.Epoll;

/// <summary>
/// One ready descriptor from <see cref="EpollInstance.Wait"/>: the kernel's <c>struct epoll_event</c> on x86 and x86-64
/// (12 bytes, packed), which the kernel fills in place; on other architectures the instance converts from the
/// kernel's aligned layout.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly struct EpollEvent
{
    private readonly EpollEvents _events;
    private readonly ulong _data;

    /// <summary>Creates an event, as the kernel would report it.</summary>
    public EpollEvent(EpollEvents events, ulong data)
    {
        _events = events;
        _data = data;
    }

    /// <summary>The ready bits (<c>events</c>).</summary>
    public EpollEvents Events => _events;

    /// <summary>The 64-bit value given at registration (<c>data.u64</c>): the descriptor unless other data was given.</summary>
    public ulong Data => _data;

    /// <summary>The descriptor, for a registration made without explicit data (Python's <c>fd</c> in <c>(fd, events)</c>).</summary>
    public int Fd => unchecked((int)_data);

    /// <inheritdoc />
    public override string ToString() => $"EpollEvent(Fd={Fd}, Events={Events})";
}

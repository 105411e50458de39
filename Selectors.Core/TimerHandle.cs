using System;

namespace Selectors;

/// <summary>
/// A callback scheduled with <see cref="SelectorLoop.CallLater"/>, as asyncio's <c>TimerHandle</c>: keep it to
/// <see cref="Cancel"/> the callback before it runs. Use it on the loop's thread only, like the loop's other members.
/// </summary>
public sealed class TimerHandle
{
    // Both null once the timer ran or was cancelled: a handle kept by its owner then holds on to nothing.
    private SelectorLoop? _loop;
    private Action? _callback;

    internal TimerHandle(SelectorLoop loop, Action callback)
    {
        _loop = loop;
        _callback = callback;
    }

    /// <summary>Whether <see cref="Cancel"/> was called before the callback ran.</summary>
    public bool IsCancelled { get; private set; }

    /// <summary>
    /// Keeps the callback from running. Does nothing if it already ran or was cancelled, so it is safe to call from the
    /// callback itself or twice.
    /// </summary>
    public void Cancel()
    {
        if (_loop is { } loop)
        {
            IsCancelled = true;
            _loop = null;
            _callback = null;
            loop.OnTimerCancelled();
        }
    }

    /// <summary>The callback to run now that the timer is due, or null if it was cancelled; the handle is spent either way.</summary>
    internal Action? Take()
    {
        Action? callback = _callback;
        _loop = null;
        _callback = null;
        return callback;
    }
}

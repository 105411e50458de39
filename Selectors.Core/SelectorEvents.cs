using System;

namespace Selectors;

/// <summary>The events a selector watches for: Python's <c>EVENT_READ</c> and <c>EVENT_WRITE</c>.</summary>
[Flags]
public enum SelectorEvents
{
    /// <summary>No event; never a valid registration mask.</summary>
    None = 0,

    /// <summary><c>EVENT_READ</c>: ready to read, accept, or see end of file, a hang-up or an error.</summary>
    Read = 1,

    /// <summary><c>EVENT_WRITE</c>: ready to write, a connect finished, or a hang-up or an error.</summary>
    Write = 2,
}

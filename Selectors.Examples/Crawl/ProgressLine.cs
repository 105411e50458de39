using System;
using System.IO;

namespace Selectors.Examples.Crawl;

/// <summary>
/// A status line redrawn in place (carriage return, erase line) while the crawl runs, only when stdout is a terminal,
/// so redirected output and the tests see no control characters. Log lines go through <see cref="Log"/>, which
/// erases the status line first so the two do not mix.
/// </summary>
internal sealed class ProgressLine(TextWriter terminal, TextWriter log, bool enabled)
{
    private const string EraseLine = "\r\u001b[K";
    private bool _shown;

    /// <summary>How often the crawler redraws it.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether it is drawn at all.</summary>
    public bool Enabled { get; } = enabled;

    /// <summary>Redraws the line with <paramref name="text"/>.</summary>
    public void Show(string text)
    {
        if (Enabled)
        {
            terminal.Write($"{EraseLine}{text}");
            terminal.Flush();
            _shown = true;
        }
    }

    /// <summary>Writes one log line, erasing the status line first; it comes back on the next <see cref="Show"/>.</summary>
    public void Log(string line)
    {
        Erase();
        log.WriteLine(line);
    }

    /// <summary>Removes the line, before the summary is printed.</summary>
    public void Erase()
    {
        if (_shown)
        {
            terminal.Write(EraseLine);
            terminal.Flush();
            _shown = false;
        }
    }
}

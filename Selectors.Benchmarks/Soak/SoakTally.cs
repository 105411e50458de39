namespace Selectors.Benchmarks.Soak;

/// <summary>What one round of load did, counted by its connections as they go (one thread: plain fields).</summary>
internal sealed class SoakTally
{
    /// <summary>Connections whose connect was started.</summary>
    public long Opened { get; set; }

    /// <summary>Connections that did all their round trips, half-closed and read the server's end of file.</summary>
    public long Completed { get; set; }

    /// <summary>Connections that ended any other way: refused, reset, early end of file, corrupted, stalled, or cut by the drain limit.</summary>
    public long Dropped { get; set; }

    /// <summary>Messages sent whole and read back whole, every byte checked.</summary>
    public long RoundTrips { get; set; }

    /// <summary>Bytes the server accepted.</summary>
    public long BytesSent { get; set; }

    /// <summary>Bytes read back and found equal to what was sent at that position.</summary>
    public long BytesEchoed { get; set; }

    /// <summary>Bytes sent that never came back, summed over dropped connections.</summary>
    public long BytesLost { get; set; }

    /// <summary>Bytes read back that differ from what was sent at that position, or that came back beyond it.</summary>
    public long BytesCorrupted { get; set; }

    /// <summary>How long the ramp took: until every connection was open and answered.</summary>
    public double RampSeconds { get; set; }

    /// <summary>The fewest connections open at a check (once a second) of the timed part.</summary>
    public int MinOpen { get; set; }

    /// <summary>Up to a few reasons for dropped connections, for the report.</summary>
    public System.Collections.Generic.List<string> DropReasons { get; } = [];

    /// <summary>Counts a dropped connection and keeps the first few reasons.</summary>
    public void Drop(string reason, long bytesLost)
    {
        Dropped++;
        BytesLost += bytesLost;
        if (DropReasons.Count < 10)
        {
            DropReasons.Add(reason);
        }
    }
}

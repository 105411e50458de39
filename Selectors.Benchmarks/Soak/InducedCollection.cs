using System;
using System.Diagnostics.Tracing;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Selectors.Benchmarks.Soak;

/// <summary>
/// A full, blocking garbage collection in another .NET process, asked for through its diagnostics port as
/// <c>dotnet-gcdump</c> does (an EventPipe session with the GC-heap-collect keyword induces one). The soak compares the
/// server's memory after one of these, so garbage that a collection simply has not reached yet is not taken for a leak.
/// </summary>
internal static class InducedCollection
{
    /// <summary>Induces a gen-2 collection in <paramref name="pid"/> and waits (at most <paramref name="limit"/>) for it to end.</summary>
    /// <returns>
    /// The bytes that survived that collection (the runtime's GCHeapStats, promoted size summed over generations), or
    /// null if it was not seen to end. Not the heap's total size: that counts the gaps left around objects pinned at the
    /// time (a busy socket server pins buffers), which measured up to 1 MiB of noise between two idle moments.
    /// </returns>
    public static long? Run(int pid, TimeSpan limit)
    {
        var provider = new EventPipeProvider(
            ClrTraceEventParser.ProviderName,
            EventLevel.Informational,
            (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect));
        using EventPipeSession session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false);
        using var ended = new ManualResetEventSlim();
        using var source = new EventPipeEventSource(session.EventStream);
        bool fullCollectionEnded = false;
        long? heapBytes = null;
        source.Clr.GCStop += (GCEndTraceData e) => fullCollectionEnded |= e.Depth == 2;
        source.Clr.GCHeapStats += (GCHeapStatsTraceData e) =>
        {
            // The runtime reports the heap's statistics after each collection: the first after the full one is its result.
            if (fullCollectionEnded && heapBytes is null)
            {
                heapBytes = e.TotalPromoted;
                ended.Set();
            }
        };
        Task processing = Task.Run(source.Process);
        bool seen = ended.Wait(limit);
        session.Stop(); // Ends the stream, and with it Process().
        processing.Wait(limit);
        return seen ? heapBytes : null;
    }
}

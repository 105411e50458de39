namespace Selectors.Benchmarks.Compare;

/// <summary>One echo-server run, as the load generator reports it.</summary>
/// <param name="Server">The server's name in the tables.</param>
/// <param name="Connections">Concurrent connections, each ping-ponging one 64-byte message.</param>
/// <param name="RoundTripsPerSecond">Measured round trips per second.</param>
/// <param name="P50Us">Median round-trip latency, µs.</param>
/// <param name="P99Us">99th percentile latency, µs.</param>
/// <param name="Errors">Wrong echoed bytes, failed sends, closed connections.</param>
/// <param name="ServerCpuUsPerRoundTrip">Server utime+stime over the measured window per round trip, µs.</param>
internal sealed record EchoResult(string Server, int Connections, double RoundTripsPerSecond, double P50Us, double P99Us, long Errors, double ServerCpuUsPerRoundTrip);

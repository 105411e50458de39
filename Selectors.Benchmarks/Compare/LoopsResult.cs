namespace Selectors.Benchmarks.Compare;

/// <summary>The echo example with one loop count, as the load generator saw it.</summary>
/// <param name="Loops">The <c>--loops</c> value.</param>
/// <param name="ServerCpus">The taskset CPU list the server ran on.</param>
/// <param name="Echo">The medians of the runs.</param>
internal sealed record LoopsResult(int Loops, string ServerCpus, EchoResult Echo);

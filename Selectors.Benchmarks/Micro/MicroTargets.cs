namespace Selectors.Benchmarks.Micro;

/// <summary>The names of the microbenchmark figures, shared by the runs, the tables, the targets and the plot.</summary>
internal static class MicroTargets
{
    public const string CEpoll = "C epoll_wait";
    public const string CPoll = "C poll";
    public const string CSelect = "C select";
    public const string CCtlPair = "C epoll_ctl ADD+DEL";
    public const string PyEpoll = "CPython EpollSelector.select";
    public const string PyPoll = "CPython PollSelector.select";
    public const string PySelect = "CPython SelectSelector.select";
    public const string PyRegisterPair = "CPython EpollSelector register+unregister";
    public const string EpollSpan = "EpollSelector.Select(span)";
    public const string EpollList = "EpollSelector.Select() list";
    public const string EpollWait = "EpollInstance.Wait(span)";
    public const string PollSpan = "PollSelector.Select(span)";
    public const string PollList = "PollSelector.Select() list";
    public const string SelectSpan = "SelectSelector.Select(span)";
    public const string SelectList = "SelectSelector.Select() list";
    public const string SocketSelect = ".NET Socket.Select (list rebuilt)";
    public const string RegisterPair = "EpollSelector Register+Unregister";
    public const string InstanceRegisterPair = "EpollInstance Register+Unregister";

    /// <summary>The select-cost rows, in table and legend order.</summary>
    public static readonly string[] SelectRows =
    [
        CEpoll, EpollSpan, EpollList, EpollWait, PyEpoll,
        CPoll, PollSpan, PollList, PyPoll,
        CSelect, SelectSpan, SelectList, PySelect, SocketSelect,
    ];
}

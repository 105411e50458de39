using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Selectors.Tests.Property;

/// <summary>A step whose real outcome differs from the model's; the message carries the steps run so far.</summary>
internal sealed class ModelMismatchException : Exception
{
    internal ModelMismatchException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Runs one generated sequence on a fresh selector and fresh endpoints, step by step against a fresh
/// <see cref="ReadinessModel"/>, and throws <see cref="ModelMismatchException"/> at the first difference: a result, an
/// exception type, a select's entries or the map after the step.
/// </summary>
internal sealed class SequenceRunner
{
    private readonly BaseSelector _selector;
    private readonly Endpoints _endpoints;
    private readonly ReadinessModel _model;
    private readonly StringBuilder _trace = new();

    private readonly OutcomeTally? _tally;

    private SequenceRunner(BaseSelector selector, Endpoints endpoints, ReadinessModel model, OutcomeTally? tally)
    {
        _selector = selector;
        _endpoints = endpoints;
        _model = model;
        _tally = tally;
    }

    /// <summary>Steps run (not skipped) by this sequence.</summary>
    internal int Executed { get; private set; }

    /// <summary>Runs <paramref name="operations"/> and returns how many steps ran (not skipped); <paramref name="tally"/>,
    /// when given, counts what each step did, so a run can show what it covered.</summary>
    internal static int Run(Func<BaseSelector> createSelector, IReadOnlyList<Operation> operations, bool closeRegistered, OutcomeTally? tally = null)
    {
        BaseSelector selector = createSelector();
        Endpoints? endpoints = null;
        try
        {
            bool withPipe = selector.Backend is not (SelectorBackend.Select or SelectorBackend.Afd); // both hold sockets only
            endpoints = new Endpoints(withPipe);
            var runner = new SequenceRunner(selector, endpoints, new ReadinessModel(endpoints.Count, closeRegistered), tally);
            for (int i = 0; i < operations.Count; i++)
            {
                runner.Step(i, operations[i]);
            }

            runner.CheckClosedSelectorRefuses();
            return runner.Executed;
        }
        finally
        {
            // Before the endpoints close, so no backend ever holds a descriptor number that is being given back.
            selector.Close();
            endpoints?.Dispose();
        }
    }

    private void Step(int index, Operation op)
    {
        string outcome;
        try
        {
            outcome = Apply(op);
        }
        catch (ModelMismatchException mismatch)
        {
            throw Fail(index, op, mismatch.Message);
        }

        _tally?.Add(op.Kind, outcome);
        _trace.Append("  ").Append(index.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(": ").Append(op).Append(" -> ").AppendLine(outcome);
        if (outcome != "skipped")
        {
            Executed++;
            try
            {
                CheckMap();
            }
            catch (ModelMismatchException mismatch)
            {
                throw Fail(index, op, "after the step, " + mismatch.Message);
            }
        }
    }

    private string Apply(Operation op)
    {
        int e = op.Endpoint;
        switch (op.Kind)
        {
            case OperationKind.Register:
            {
                object? data = op.DataObject;
                Expected expected = _model.Register(e, op.Events, data);
                return Call(expected, () => _selector.Register(_endpoints.FileObjects[e], op.Events, data), key => CheckKey(key, e));
            }

            case OperationKind.Modify:
            {
                object? data = op.DataObject;
                SelectorKey? before = _model.IsRegistered(e) && !_model.IsClosed(e) ? _selector.GetMap()[_endpoints.Fds[e]] : null;
                Expected expected = _model.Modify(e, op.Events, data);
                return Call(expected, () => _selector.Modify(_endpoints.FileObjects[e], op.Events, data), key =>
                {
                    CheckKey(key, e);

                    // Python returns the very same key when nothing changes; a new key otherwise (keys are immutable).
                    bool unchanged = before!.Events == op.Events && Equals(before.Data, data);
                    if (unchanged != ReferenceEquals(before, key))
                    {
                        throw new ModelMismatchException(unchanged ? "an unchanged Modify returned a new key" : "a changing Modify returned the old key");
                    }
                });
            }

            case OperationKind.Unregister:
            {
                SelectorKey? before = _model.IsRegistered(e) ? _selector.GetMap()[_endpoints.Fds[e]] : null;
                Expected expected = _model.Unregister(e);
                return Call(expected, () => _selector.Unregister(_endpoints.FileObjects[e]), key =>
                {
                    if (!ReferenceEquals(key, before))
                    {
                        throw new ModelMismatchException($"Unregister returned {key}, not the registered key {before}");
                    }
                });
            }

            case OperationKind.GetKey:
            {
                Expected expected = _model.GetKey(e);
                return Call(expected, () => _selector.GetKey(_endpoints.FileObjects[e]), key => CheckKey(key, e));
            }

            case OperationKind.Select:
                return CheckSelect();

            case OperationKind.Write:
            {
                if (_model.Write(e, op.Count) == Expected.Skip)
                {
                    return "skipped";
                }

                int written = _endpoints.Write(e, op.Count);
                if (written != op.Count)
                {
                    throw new ModelMismatchException($"wrote {written} of {op.Count} bytes: the send buffer is not as empty as the model says");
                }

                _endpoints.Settle(Endpoints.Peer(e));
                return "ok";
            }

            case OperationKind.Read:
            {
                bool peerGone = e < _model.Count && _model.PeerGone(e);
                int expected = _model.Read(e, op.Count);
                if (expected < 0)
                {
                    return "skipped";
                }

                int read;
                try
                {
                    read = _endpoints.Read(e, op.Count);
                }
                catch (System.Net.Sockets.SocketException) when (peerGone)
                {
                    return "reset"; // a TCP peer closed with bytes unread sends a reset, which may drop the queue
                }

                // Once the peer is gone readiness no longer depends on the queue, so its exact length is not claimed.
                if (read != expected && !peerGone)
                {
                    throw new ModelMismatchException($"read {read} bytes, model expected {expected}");
                }

                return "ok " + read.ToString(CultureInfo.InvariantCulture);
            }

            case OperationKind.ShutdownWrite:
                if (_model.ShutdownWrite(e) == Expected.Skip)
                {
                    return "skipped";
                }

                _endpoints.Socket(e).Shutdown(System.Net.Sockets.SocketShutdown.Send);
                _endpoints.Settle(Endpoints.Peer(e));
                return "ok";

            case OperationKind.Close:
            case OperationKind.CloseRegistered:
            {
                bool peerOpen = e < _model.Count && !_model.PeerGone(e);
                Expected expected = op.Kind == OperationKind.Close ? _model.Close(e) : _model.CloseRegistered(e);
                if (expected == Expected.Skip)
                {
                    return "skipped";
                }

                _endpoints.Close(e);
                if (peerOpen)
                {
                    _endpoints.Settle(Endpoints.Peer(e));
                }

                return "ok";
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.Kind, null);
        }
    }

    /// <summary>Runs an API call and checks it returned or threw what the model expects.</summary>
    private static string Call(Expected expected, Func<SelectorKey> call, Action<SelectorKey> checkResult)
    {
        if (expected == Expected.Skip)
        {
            return "skipped";
        }

        SelectorKey key;
        try
        {
            key = call();
        }
        catch (Exception e) when (e is not ModelMismatchException)
        {
            bool matches = expected switch
            {
                Expected.ArgumentException => e is ArgumentException,
                Expected.KeyNotFoundException => e is KeyNotFoundException,
                _ => false,
            };
            if (!matches)
            {
                throw new ModelMismatchException($"model expected {expected}, the selector threw {e.GetType().Name}: {e.Message}");
            }

            return e.GetType().Name;
        }

        if (expected != Expected.Ok)
        {
            throw new ModelMismatchException($"model expected {expected}, the selector returned {key}");
        }

        checkResult(key);
        return "ok";
    }

    private void CheckKey(SelectorKey key, int e)
    {
        if (!ReferenceEquals(key.FileObject, _endpoints.FileObjects[e]) || key.Fd != _endpoints.Fds[e]
            || key.Events != _model.Interest(e) || !Equals(key.Data, _model.Data(e)))
        {
            throw new ModelMismatchException($"returned key {Describe(key)}, model has {Endpoints.Name(e)} fd {_endpoints.Fds[e]} {Operation.EventsText(_model.Interest(e))} data {_model.Data(e) ?? "null"}");
        }
    }

    private string CheckSelect()
    {
        IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> ready = _selector.Select(TimeSpan.Zero);
        var expected = _model.ExpectedSelect().ToDictionary(entry => _endpoints.Fds[entry.Key], entry => entry.Value);
        var actual = new Dictionary<int, SelectorEvents>();
        foreach (var (key, events) in ready)
        {
            if (!actual.TryAdd(key.Fd, events))
            {
                throw new ModelMismatchException($"select returned fd {key.Fd} twice: {Format(ready)}");
            }

            if (!_selector.GetMap().TryGetValue(key.Fd, out SelectorKey? current) || !ReferenceEquals(current, key))
            {
                throw new ModelMismatchException($"select returned a key that is not the map's current key: {Describe(key)}");
            }
        }

        if (actual.Count != expected.Count || actual.Any(entry => !expected.TryGetValue(entry.Key, out SelectorEvents events) || events != entry.Value))
        {
            throw new ModelMismatchException($"select returned {Format(actual)}, model expected {Format(expected)}");
        }

        return Format(actual);
    }

    private void CheckMap()
    {
        IReadOnlyDictionary<int, SelectorKey> map = _selector.GetMap();
        var registered = Enumerable.Range(0, _model.Count).Where(_model.IsRegistered).ToList();
        bool same = map.Count == registered.Count && registered.All(e =>
            map.TryGetValue(_endpoints.Fds[e], out SelectorKey? key)
            && ReferenceEquals(key.FileObject, _endpoints.FileObjects[e])
            && key.Events == _model.Interest(e)
            && Equals(key.Data, _model.Data(e)));
        if (!same)
        {
            string model = string.Join(", ", registered.Select(e => $"{Endpoints.Name(e)}(fd {_endpoints.Fds[e]}) {Operation.EventsText(_model.Interest(e))} {_model.Data(e) ?? "null"}"));
            throw new ModelMismatchException($"GetMap() is [{string.Join(", ", map.Values.Select(Describe))}], model has [{model}]");
        }
    }

    /// <summary>Ends every sequence: a closed selector refuses further use (the error table's last row).</summary>
    private void CheckClosedSelectorRefuses()
    {
        _selector.Close();
        try
        {
            _selector.Register(_endpoints.FileObjects[0], SelectorEvents.Read);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (Exception e)
        {
            throw new ModelMismatchException($"Register after Close threw {e.GetType().Name}, not ObjectDisposedException (trace:{Environment.NewLine}{_trace})");
        }

        throw new ModelMismatchException($"Register after Close succeeded (trace:{Environment.NewLine}{_trace})");
    }

    private ModelMismatchException Fail(int index, Operation op, string message) =>
        new($"step {index} {op}: {message}{Environment.NewLine}steps run before it (-> real outcome):{Environment.NewLine}{_trace}");

    private string Describe(SelectorKey key)
    {
        int e = Array.IndexOf(_endpoints.Fds, key.Fd);
        string name = e >= 0 ? Endpoints.Name(e) : "?";
        return $"{name}(fd {key.Fd}) {Operation.EventsText(key.Events)} {key.Data ?? "null"}";
    }

    private string Format(IReadOnlyDictionary<int, SelectorEvents> byFd) =>
        "{" + string.Join(", ", byFd.OrderBy(entry => entry.Key).Select(entry => $"{NameOf(entry.Key)}: {Operation.EventsText(entry.Value)}")) + "}";

    private string Format(IReadOnlyList<(SelectorKey Key, SelectorEvents Events)> ready) =>
        "[" + string.Join(", ", ready.Select(entry => $"{NameOf(entry.Key.Fd)}: {Operation.EventsText(entry.Events)}")) + "]";

    private string NameOf(int fd)
    {
        int e = Array.IndexOf(_endpoints.Fds, fd);
        return e >= 0 ? Endpoints.Name(e) : "fd " + fd.ToString(CultureInfo.InvariantCulture);
    }
}

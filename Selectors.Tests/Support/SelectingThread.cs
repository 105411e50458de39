using System;
using System.Threading;
using System.Threading.Tasks;

namespace Selectors.Tests.Support;

/// <summary>Runs one Select on a thread of its own and tells when that thread is blocked in the kernel's wait.</summary>
internal sealed class SelectingThread<T>
{
    private readonly TaskCompletionSource<int> _tid = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SelectingThread(Func<T> select)
    {
        Result = Task.Factory.StartNew(
            () =>
            {
                _tid.SetResult(KernelWait.CurrentThreadId());
                return select();
            },
            TaskCreationOptions.LongRunning);
    }

    /// <summary>The Select's result.</summary>
    internal Task<T> Result { get; }

    /// <summary>Waits until the Select is blocked in the OS's wait (see <see cref="KernelWait"/>); false if it returned or never got there.</summary>
    internal bool Blocked(TimeSpan timeout) =>
        _tid.Task.Wait(timeout) && KernelWait.UntilBlockedInWait(_tid.Task.Result, timeout) && !Result.IsCompleted;
}

using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using Mono.Unix;
using NUnit.Framework;
using Selectors.Epoll;
using Selectors.Tests.Support;

namespace Selectors.Tests.Core;

/// <summary>
/// The OS error path, with no native helper: errno read by the runtime, named from the library's own per-OS table, and
/// thrown as <see cref="UnixSystemCallException"/>, still a <see cref="UnixIOException"/>. The no-helper CI leg runs this
/// fixture with libMonoPosixHelper deleted, so every assertion here also proves the helper is not needed.
/// </summary>
public sealed class OsErrorTests
{
    [Test]
    [Platform("Linux", Reason = "DefaultSelector is epoll only on Linux; poll accepts a closed descriptor (POLLNVAL) and select throws SocketException")]
    public void DefaultSelector_RegisterOfAClosedDescriptor_ThrowsTheDocumentedExceptionNamingEbadf()
    {
        using var selector = new DefaultSelector();
        var (read, write) = Peers.Pipe();
        Peers.Close(read, write);

        var error = selector.Invoking(s => s.Register(read, SelectorEvents.Read)).Should().Throw<UnixSystemCallException>().Which;

        error.Should().BeAssignableTo<UnixIOException>("callers catch Mono.Unix.UnixIOException today");
        error.Errno.Should().Be(9, "EBADF is 9 on Linux");
        error.NativeErrorCode.Should().Be(9, "UnixIOException's own property carries the same number");
        error.ErrorName.Should().Be("EBADF");
        error.SystemCall.Should().Be($"epoll_ctl(EPOLL_CTL_ADD, fd {read})");
        error.Message.Should().Be($"epoll_ctl(EPOLL_CTL_ADD, fd {read}) failed: EBADF (9): Bad file descriptor");
        selector.GetMap().Should().BeEmpty("a failed Register leaves the selector as it was");
    }

    [Test]
    [Platform("Linux", Reason = "epoll is Linux's")]
    public void EpollInstance_ErrorsNameTheCallAndTheErrno()
    {
        using var epoll = new EpollInstance();

        var error = epoll.Invoking(e => e.Unregister(int.MaxValue)).Should().Throw<UnixSystemCallException>().Which;

        error.ErrorName.Should().Be("EBADF");
        error.Errno.Should().Be(ErrorNumbers.EBADF);
        error.Message.Should().StartWith($"epoll_ctl(EPOLL_CTL_DEL, fd {int.MaxValue}) failed: EBADF (9): ");
    }

    [Test]
    public void TheMessageNamesTheCallTheErrnoAndItsNumberThenTheOsText()
    {
        var error = new UnixSystemCallException("read(fd 3)", ErrorNumbers.EAGAIN);

        error.Message.Should().StartWith($"read(fd 3) failed: EAGAIN ({ErrorNumbers.EAGAIN}): ");
        error.Message.Length.Should().BeGreaterThan($"read(fd 3) failed: EAGAIN ({ErrorNumbers.EAGAIN}): ".Length, "the OS's own text follows");
        error.ErrorName.Should().Be("EAGAIN");
        error.SystemCall.Should().Be("read(fd 3)");
    }

    [Test]
    public void AnErrnoTheTableLacksIsNamedByItsNumber()
    {
        ErrorNumbers.NameOf(9999).Should().Be("errno 9999");
        new UnixSystemCallException("ioctl(fd 1)", 9999).Message.Should().StartWith("ioctl(fd 1) failed: errno 9999 (9999): ");
    }

    [Test]
    [Platform("Linux", Reason = "checks which table a Linux process picks")]
    public void ALinuxProcessUsesLinuxNumbers()
    {
        ErrnoTable.Current.Should().BeSameAs(ErrnoTable.Linux);
        (ErrorNumbers.EINTR, ErrorNumbers.EAGAIN, ErrorNumbers.EINPROGRESS, ErrorNumbers.ENOTSOCK).Should().Be((4, 11, 115, 88));
    }

    [Test]
    [Platform("Linux", Reason = "the C headers on this machine are Linux's")]
    public void TheLinuxTableMatchesTheCHeaders()
    {
        var mismatches = ErrnoTable.Linux.Names
            .Where(name => KernelHeaders.Get(name) != ErrnoTable.Linux[name])
            .Select(name => $"{name}: table {ErrnoTable.Linux[name]}, <errno.h> {KernelHeaders.Get(name)}")
            .ToList();

        ErrnoTable.Linux.Names.Should().HaveCountGreaterThan(60);
        mismatches.Should().BeEmpty();
    }

    // Nothing here can run macOS or FreeBSD: these pin the numbers that differ from Linux to their headers' values
    // (xnu bsd/sys/errno.h; FreeBSD sys/sys/errno.h), so an edit of the table has to be an edit of the test too.
    private static readonly Dictionary<string, (int Linux, int MacOS, int FreeBsd)> NumbersThatDiffer = new()
    {
        ["EAGAIN"] = (11, 35, 35),
        ["EDEADLK"] = (35, 11, 11),
        ["EINPROGRESS"] = (115, 36, 36),
        ["EALREADY"] = (114, 37, 37),
        ["ENOTSOCK"] = (88, 38, 38),
        ["EOPNOTSUPP"] = (95, 102, 45),
        ["ENOTSUP"] = (95, 45, 45),
        ["EADDRINUSE"] = (98, 48, 48),
        ["ECONNRESET"] = (104, 54, 54),
        ["ENOTCONN"] = (107, 57, 57),
        ["ETIMEDOUT"] = (110, 60, 60),
        ["ECONNREFUSED"] = (111, 61, 61),
        ["ELOOP"] = (40, 62, 62),
        ["ENAMETOOLONG"] = (36, 63, 63),
        ["ENOSYS"] = (38, 78, 78),
        ["EOVERFLOW"] = (75, 84, 84),
        ["ECANCELED"] = (125, 89, 85),
        ["EILSEQ"] = (84, 92, 86),
    };

    [Test]
    public void EachUnixTableHasItsHeadersNumbers()
    {
        foreach (var (name, (linux, macOS, freeBsd)) in NumbersThatDiffer)
        {
            (ErrnoTable.Linux[name], ErrnoTable.Darwin[name], ErrnoTable.FreeBsd[name]).Should().Be((linux, macOS, freeBsd), name);
        }

        foreach (ErrnoTable table in new[] { ErrnoTable.Linux, ErrnoTable.Darwin, ErrnoTable.FreeBsd })
        {
            (table["EINTR"], table["EBADF"], table["EPIPE"]).Should().Be((4, 9, 32), "1-10 and 12-34 are the same on every Unix");
            table.NameOf(table["EAGAIN"]).Should().Be("EAGAIN", "{0} names EAGAIN before its alias EWOULDBLOCK", table.Platform);
        }

        ErrnoTable.Darwin.NameOf(45).Should().Be("ENOTSUP");
        ErrnoTable.FreeBsd.NameOf(45).Should().Be("EOPNOTSUPP");
    }
}

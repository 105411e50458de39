using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Select;
using Selectors.Tests.Support;

namespace Selectors.Tests.LowLevel;

/// <summary>Python's <c>select.select</c>, ported: <see cref="SocketSelect"/> over real loopback sockets.</summary>
[TestFixture]
public class SocketSelectTests
{
    private static readonly TimeSpan AtLeast200Ms = TimeSpan.FromMilliseconds(195);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(2);

    [Test]
    public void Select_ReportsReadableAndWritableSockets()
    {
        var (server, client) = Peers.TcpPair();
        var (a, b) = Peers.SocketPair();
        using (server)
        using (client)
        using (a)
        using (b)
        {
            client.Send(new byte[] { 1 });
            WaitReadable(server);

            var result = SocketSelect.Select([server, a], [client, b], null, TimeSpan.FromSeconds(1));

            result.Read.Should().Equal(server);
            result.Write.Should().BeEquivalentTo([client, b]);
            result.Error.Should().BeEmpty();
        }
    }

    [Test]
    public void Select_DoesNotMutateCallerListsOrArrays()
    {
        var (server, client) = Peers.TcpPair();
        var (a, b) = Peers.SocketPair();
        using (server)
        using (client)
        using (a)
        using (b)
        {
            var read = new List<Socket> { server, a, b };
            Socket[] write = [client, a];
            var error = new List<Socket> { server };

            var result = SocketSelect.Select(read, write, error, 0.0);

            read.Should().Equal(server, a, b);
            write.Should().Equal(client, a);
            error.Should().Equal(server);
            result.Read.Should().BeEmpty("nothing was sent");
            result.Write.Should().BeEquivalentTo([client, a]);
            result.Read.Should().NotBeSameAs(read);
            result.Write.Should().NotBeSameAs(write);
            result.Error.Should().NotBeSameAs(error);
        }
    }

    [Test]
    public void Select_ReadyRead_ReturnsBeforeAnInfiniteTimeout()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            using var sender = new Timer(_ => client.Send(new byte[] { 1 }), null, 100, Timeout.Infinite);
            var sw = Stopwatch.StartNew();

            var result = SocketSelect.Select([server], null, null, timeout: null);

            result.Read.Should().Equal(server);
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        }
    }

    [Test]
    public void Select_InfiniteTimeSpan_And_PositiveInfinity_Block()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            client.Send(new byte[] { 1 });

            SocketSelect.Select([server], null, null, Timeout.InfiniteTimeSpan).Read.Should().Equal(server);
            SocketSelect.Select([server], null, null, double.PositiveInfinity).Read.Should().Equal(server);
        }
    }

    [TestCase(0.2)]
    public void Select_AllListsEmpty_SleepsForTheTimeout(double seconds)
    {
        var sw = Stopwatch.StartNew();
        var result = SocketSelect.Select([], [], [], seconds);
        var elapsed = sw.Elapsed;

        result.Read.Should().BeEmpty();
        result.Write.Should().BeEmpty();
        result.Error.Should().BeEmpty();
        elapsed.Should().BeGreaterThanOrEqualTo(AtLeast200Ms).And.BeLessThan(Generous);
    }

    [Test]
    public void Select_NullLists_SleepForTheTimeSpan()
    {
        var sw = Stopwatch.StartNew();
        var result = SocketSelect.Select(null, null, null, TimeSpan.FromMilliseconds(200));

        sw.Elapsed.Should().BeGreaterThanOrEqualTo(AtLeast200Ms).And.BeLessThan(Generous);
        result.Read.Should().BeEmpty();
    }

    [Test]
    public void Select_IdleSocket_PositiveTimeout_WaitsAtLeastThatLong()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            var sw = Stopwatch.StartNew();
            var result = SocketSelect.Select([server], null, null, 0.2);

            sw.Elapsed.Should().BeGreaterThanOrEqualTo(AtLeast200Ms).And.BeLessThan(Generous);
            result.Read.Should().BeEmpty();
        }
    }

    [Test]
    public void Select_ZeroTimeout_ReturnsImmediately()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            var sw = Stopwatch.StartNew();
            SocketSelect.Select([server], null, null, 0.0).Read.Should().BeEmpty();
            SocketSelect.Select([server], null, null, TimeSpan.Zero).Read.Should().BeEmpty();
            SocketSelect.Select([], [], [], 0.0).Read.Should().BeEmpty();
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(0.5));
        }
    }

    [Test]
    public void Select_NegativeTimeout_ThrowsArgumentOutOfRange()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            FluentActions.Invoking(() => SocketSelect.Select([a], null, null, -1.0)).Should().Throw<ArgumentOutOfRangeException>();
            FluentActions.Invoking(() => SocketSelect.Select([a], null, null, -0.001)).Should().Throw<ArgumentOutOfRangeException>();
            FluentActions.Invoking(() => SocketSelect.Select([a], null, null, double.NegativeInfinity)).Should().Throw<ArgumentOutOfRangeException>();
            FluentActions.Invoking(() => SocketSelect.Select([a], null, null, TimeSpan.FromMilliseconds(-2))).Should().Throw<ArgumentOutOfRangeException>();
            FluentActions.Invoking(() => SocketSelect.Select([], [], [], TimeSpan.FromSeconds(-5))).Should().Throw<ArgumentOutOfRangeException>();
        }
    }

    [Test]
    public void Select_NaN_ThrowsArgumentException()
    {
        FluentActions.Invoking(() => SocketSelect.Select([], [], [], double.NaN))
            .Should().ThrowExactly<ArgumentException>().Which.ParamName.Should().Be("timeoutSeconds");
    }

    [Test]
    public void Select_NullEntry_ThrowsArgumentNull_NamingTheList()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            FluentActions.Invoking(() => SocketSelect.Select([a, null!], null, null, 0.0))
                .Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("read");
            FluentActions.Invoking(() => SocketSelect.Select(null, [null!], null, 0.0))
                .Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("write");
            FluentActions.Invoking(() => SocketSelect.Select(null, null, new List<Socket> { b, null! }, 0.0))
                .Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("error");
        }
    }

    [Test]
    public void Select_DisposedSocket_ThrowsObjectDisposed()
    {
        var (a, b) = Peers.SocketPair();
        using (b)
        {
            a.Dispose();

            FluentActions.Invoking(() => SocketSelect.Select([a], null, null, 0.0)).Should().Throw<ObjectDisposedException>();
            FluentActions.Invoking(() => SocketSelect.Select([b], [a], null, 0.0)).Should().Throw<ObjectDisposedException>();
        }
    }

    [Test]
    public void Select_SameSocketInReadAndWrite_IsReportedInBoth()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            b.Send(new byte[] { 1 });
            WaitReadable(a);

            var result = SocketSelect.Select([a], [a], null, 1.0);

            result.Read.Should().Equal(a);
            result.Write.Should().Equal(a);
        }
    }

    [Test]
    public void Select_PeerClosed_IsReadable()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        {
            b.Dispose();

            SocketSelect.Select([a], null, null, 1.0).Read.Should().Equal([a], "end of file is readable");
        }
    }

    [Test]
    public void Select_ResultDeconstructsLikePythonsTuple()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            var (read, write, error) = SocketSelect.Select([a], [a], [a], 0.0);

            read.Should().BeEmpty();
            write.Should().Equal(a);
            error.Should().BeEmpty();
        }
    }

    // ---- spec K5, the select column: readiness of sockets in odd states ----

    [Test]
    public void Select_RefusedConnect_IsReadableAndWritable()
    {
        var (client, holder) = LowLevelPeers.RefusedConnect();
        using (client)
        using (holder)
        {
            var result = SocketSelect.Select([client], [client], null, 2.0);
            if (result.Read.Count == 0 || result.Write.Count == 0)
            {
                result = SocketSelect.Select([client], [client], null, 2.0); // the RST may land between the two bits
            }

            result.Read.Should().Equal(client);
            result.Write.Should().Equal(client);
        }
    }

    [Test]
    public void Select_FreshUnconnectedTcpSocket_IsReadableAndWritable()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var result = SocketSelect.Select([socket], [socket], null, 1.0);

        result.Read.Should().Equal([socket], "OUT|HUP: the hang-up makes it readable");
        result.Write.Should().Equal(socket);
    }

    [Test]
    public void Select_ListeningSocketWithPendingConnection_IsReadableOnly()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);

        var result = SocketSelect.Select([listener], [listener], null, 1.0);

        result.Read.Should().Equal(listener);
        result.Write.Should().BeEmpty();
    }

    [Test]
    public void Select_OutOfBandData_IsInTheErrorList_NotTheReadList()
    {
        var (server, client) = Peers.TcpPair();
        using (server)
        using (client)
        {
            client.Send(new byte[] { 42 }, SocketFlags.OutOfBand);
            SocketSelect.Select(null, null, [server], 2.0).Error.Should().Equal([server], "urgent data is the exceptional condition (POLLPRI)");

            var result = SocketSelect.Select([server], null, [server], 0.0);

            result.Read.Should().BeEmpty("only urgent data is pending (spec K9)");
            result.Error.Should().Equal(server);
        }
    }

    // ---- SelectInPlace ----

    [Test]
    public void SelectInPlace_MutatesListsToTheReadySubset_AndReturnsTheCount()
    {
        var (server, client) = Peers.TcpPair();
        var (a, b) = Peers.SocketPair();
        using (server)
        using (client)
        using (a)
        using (b)
        {
            client.Send(new byte[] { 1 });
            WaitReadable(server);
            var read = new List<Socket> { a, server, b };
            var write = new List<Socket> { client, b };
            var error = new List<Socket> { a };

            int count = SocketSelect.SelectInPlace(read, write, error, 1_000_000);

            read.Should().Equal(server);
            write.Should().BeEquivalentTo([client, b]);
            error.Should().BeEmpty();
            count.Should().Be(3);
        }
    }

    [Test]
    public void SelectInPlace_Timeout_EmptiesTheLists()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            var read = new List<Socket> { a, b };
            var sw = Stopwatch.StartNew();

            SocketSelect.SelectInPlace(read, [], [], 200_000).Should().Be(0);

            sw.Elapsed.Should().BeGreaterThanOrEqualTo(AtLeast200Ms).And.BeLessThan(Generous);
            read.Should().BeEmpty();
        }
    }

    [Test]
    public void SelectInPlace_AllListsEmpty_SleepsForTheTimeout()
    {
        var sw = Stopwatch.StartNew();

        SocketSelect.SelectInPlace([], [], [], 200_000).Should().Be(0);

        sw.Elapsed.Should().BeGreaterThanOrEqualTo(AtLeast200Ms).And.BeLessThan(Generous);
    }

    [Test]
    public void SelectInPlace_BelowMinusOne_ThrowsArgumentOutOfRange_AndNullListThrowsArgumentNull()
    {
        FluentActions.Invoking(() => SocketSelect.SelectInPlace([], [], [], -2)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => SocketSelect.SelectInPlace(null!, [], [], 0)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => SocketSelect.SelectInPlace([], null!, [], 0)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => SocketSelect.SelectInPlace([], [], null!, 0)).Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void SelectInPlace_MinusOne_BlocksUntilReady()
    {
        var (a, b) = Peers.SocketPair();
        using (a)
        using (b)
        {
            using var sender = new Timer(_ => b.Send(new byte[] { 1 }), null, 100, Timeout.Infinite);
            var read = new List<Socket> { a };
            var sw = Stopwatch.StartNew();

            SocketSelect.SelectInPlace(read, [], [], -1).Should().Be(1);

            read.Should().Equal(a);
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        }
    }

    [Test]
    public void MaxSingleWait_IsIntMaxMicroseconds()
    {
        SocketSelect.MaxSingleWait.Should().Be(TimeSpan.FromMicroseconds(int.MaxValue));
    }

    /// <summary>Waits (at most 5 s) until loopback data has arrived, so a zero-timeout select sees it.</summary>
    private static void WaitReadable(Socket socket)
    {
        for (int i = 0; i < 100 && socket.Available == 0; i++)
        {
            Thread.Sleep(50);
        }

        socket.Available.Should().BeGreaterThan(0, "the data sent over loopback should have arrived");
    }
}

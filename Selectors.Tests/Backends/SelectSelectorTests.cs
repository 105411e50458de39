using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Backends;

/// <summary>What only the select selector does (spec N13–N18, DESIGN "sockets only"), beside the conformance suite.</summary>
public class SelectSelectorTests
{
    [Test]
    public void N18_APipeIsRefusedAsNotASocket()
    {
        using var selector = new SelectSelector();
        var (read, write) = Peers.Pipe();
        try
        {
            selector.Invoking(s => s.Register(read, SelectorEvents.Read)).Should().Throw<SocketException>()
                .Which.SocketErrorCode.Should().Be(SocketError.NotSocket);
            selector.GetMap().Should().BeEmpty();
        }
        finally
        {
            Peers.Close(read, write);
        }
    }

    [Test]
    public void N18_ADescriptorIsWatchedThroughAWrapperThatNeverClosesIt()
    {
        var (a, b) = Peers.SocketPairFds();
        try
        {
            using (var selector = new SelectSelector())
            {
                SelectorKey key = selector.Register(a, SelectorEvents.Read);
                selector.Register(b, SelectorEvents.Write);
                Peers.Write(b);
                selector.Select(1.0).Should().Contain((key, SelectorEvents.Read));
                selector.Unregister(a);
                Peers.DescriptorFlags(a).Should().NotBe(-1, "Unregister leaves the descriptor open");
            }

            Peers.DescriptorFlags(b).Should().NotBe(-1, "Close leaves the descriptors open");
            Peers.Read(a).Should().Be(1, "the socket still works");
        }
        finally
        {
            Peers.Close(a, b);
        }
    }

    [Test]
    public void N15_WriteInterestOnAFailedConnectIsReported()
    {
        using var selector = new SelectSelector();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            socket.Invoking(s => s.Connect(probe.LocalEndPoint!)).Should().Throw<SocketException>();
        }

        SelectorKey key = selector.Register(socket, SelectorEvents.Write);
        selector.Select(1.0).Should().Equal(new[] { (key, SelectorEvents.Write) });
    }
}

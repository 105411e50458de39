using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using FluentAssertions;
using NUnit.Framework;
using Selectors.Tests.Support;

namespace Selectors.Tests.Backends;

/// <summary>What only the AFD selector does, beside the conformance suite: the Wine leg runs these.</summary>
[Platform(Include = "Win", Reason = "the AFD driver is Windows's; the Wine leg runs these")]
[SupportedOSPlatform("windows")]
public class AfdSelectorTests
{
    [Test]
    public void AFileIsRefusedAsNotASocket_AndTheMapStaysEmpty()
    {
        using var selector = new AfdSelector();
        string path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            selector.Invoking(s => s.Register(file, SelectorEvents.Read)).Should().Throw<SocketException>()
                .Which.SocketErrorCode.Should().Be(SocketError.NotSocket);
            selector.GetMap().Should().BeEmpty();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void WriteInterestOnAFailedConnectIsReported_AsWinsockSelectReportsItInTheErrorSet()
    {
        using var selector = new AfdSelector();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Invoking(s => s.Connect(probe.LocalEndPoint!)).Should().Throw<SocketException>();
        }

        SelectorKey key = selector.Register(socket, SelectorEvents.Write);
        selector.Select(5.0).Should().Equal(new[] { (key, SelectorEvents.Write) });
    }

    [Test]
    public void ModifyingASocketThatASelectFoundClosedFails_LeavingTheKey_AndUnregisterStillSucceeds()
    {
        using var selector = new AfdSelector();
        var (a, b) = Peers.SocketPairFds();
        try
        {
            SelectorKey key = selector.Register(a, SelectorEvents.Read, "a");
            Peers.Close(a);
            selector.Select(0.1).Should().BeEmpty("a closed socket is never reported");

            selector.Invoking(s => s.Modify(a, SelectorEvents.Write, "w")).Should().Throw<SocketException>()
                .Which.SocketErrorCode.Should().Be(SocketError.NotSocket);
            selector.GetKey(a).Should().BeSameAs(key);
            selector.Unregister(a).Should().BeSameAs(key);
        }
        finally
        {
            Peers.Close(b);
        }
    }

    [Test]
    public void BeyondSelectsLimits_TheReadyFewAreFoundAmongAThousandSockets()
    {
        // Windows' FD_SETSIZE is 64 and CPython's select stops at 512 sockets: the AFD selector has no such limit.
        const int Pairs = 600;
        using var selector = new AfdSelector();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Pairs);
        var sockets = new List<Socket>();
        try
        {
            var clients = new List<Socket>();
            for (int i = 0; i < Pairs; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(client);
                client.Connect(listener.LocalEndPoint!);
                Socket server = listener.Accept();
                sockets.Add(server);
                clients.Add(client);
                selector.Register(server, SelectorEvents.Read, i);
            }

            int[] ready = { 3, 150, 299, 480, 599 };
            foreach (int i in ready)
            {
                clients[i].Send(new byte[] { 1 });
            }

            var seen = new HashSet<int>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (seen.Count < ready.Length && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                foreach (var (key, events) in selector.Select(1.0))
                {
                    events.Should().Be(SelectorEvents.Read);
                    seen.Add((int)key.Data!);
                }
            }

            seen.Should().BeEquivalentTo(ready);
            selector.GetMap().Count.Should().Be(Pairs);
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }
    }
}

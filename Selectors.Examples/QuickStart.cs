using System;
using System.Net;
using System.Net.Sockets;
using Selectors;
static class QuickStart // Python's selectors echo example: a callback in each key's data, and your own loop.
{
    public static void Run(int port)
    {
        using var sel = new DefaultSelector(); // epoll on Linux, poll on other Unix, select on Windows
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, port));
        server.Listen();
        sel.Register(server, SelectorEvents.Read, (Action<Socket>)Accept);
        while (true)
            foreach (var (key, _) in sel.Select())
                ((Action<Socket>)key.Data!)((Socket)key.FileObject);
        void Accept(Socket s) { Socket c = s.Accept(); c.Blocking = false; sel.Register(c, SelectorEvents.Read, (Action<Socket>)Echo); }
        void Echo(Socket c) { var buf = new byte[4096]; int n = c.Receive(buf, SocketFlags.None, out _); if (n > 0) c.Send(buf, 0, n, 0); else { sel.Unregister(c); c.Close(); } }
    }
}

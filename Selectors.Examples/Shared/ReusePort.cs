using System;
using System.Net.Sockets;

namespace Selectors.Examples;

/// <summary>
/// SO_REUSEPORT: several listening sockets bound to one address and port, with the kernel spreading incoming
/// connections over them. .NET names no such option, so it is set raw, with each OS's own numbers.
/// </summary>
/// <remarks>
/// Linux (3.9 and later) hashes each new connection's addresses and ports onto one of the listeners. FreeBSD (12 and
/// later) does the same with SO_REUSEPORT_LB, which is what is set there. macOS has SO_REUSEPORT for binding only: the
/// binds succeed but the kernel does not spread connections evenly. Windows has no equivalent (SO_REUSEADDR there lets a
/// second socket steal the port, not share it), so <see cref="Supported"/> is false and the examples run one loop.
/// </remarks>
internal static class ReusePort
{
    // Values from <asm-generic/socket.h> (Linux) and <sys/socket.h> (FreeBSD, macOS); SOL_SOCKET differs too.
    private const int LinuxSolSocket = 1;
    private const int LinuxSoReusePort = 15;
    private const int BsdSolSocket = 0xffff;
    private const int BsdSoReusePort = 0x200;
    private const int FreeBsdSoReusePortLb = 0x10000;

    /// <summary>Whether this OS lets several listeners share a port (false on Windows).</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD() || OperatingSystem.IsMacOS();

    /// <summary>Sets SO_REUSEPORT (SO_REUSEPORT_LB on FreeBSD) on <paramref name="socket"/>, which must not be bound yet.</summary>
    /// <exception cref="PlatformNotSupportedException">Not <see cref="Supported"/> here.</exception>
    /// <exception cref="SocketException">The kernel refused the option.</exception>
    public static void Enable(Socket socket)
    {
        byte[] on = BitConverter.GetBytes(1);
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(LinuxSolSocket, LinuxSoReusePort, on);
        }
        else if (OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(BsdSolSocket, FreeBsdSoReusePortLb, on);
        }
        else if (OperatingSystem.IsMacOS())
        {
            socket.SetRawSocketOption(BsdSolSocket, BsdSoReusePort, on);
        }
        else
        {
            throw new PlatformNotSupportedException("SO_REUSEPORT is not available on this OS; run one loop.");
        }
    }
}

namespace Selectors;

/// <summary>The numbers that differ between the Unixes, each list from the header its property names.</summary>
internal static class ErrnoTables
{
    /// <summary>Linux: include/uapi/asm-generic/errno-base.h (11) and errno.h (the rest); alpha, MIPS, PA-RISC and SPARC differ and are not supported.</summary>
    internal static readonly (string Name, int Number)[] Linux =
    {
        ("EAGAIN", 11), ("EWOULDBLOCK", 11), ("EDEADLK", 35), ("ENAMETOOLONG", 36), ("ENOLCK", 37), ("ENOSYS", 38),
        ("ENOTEMPTY", 39), ("ELOOP", 40), ("EOVERFLOW", 75), ("EILSEQ", 84), ("ENOTSOCK", 88), ("EDESTADDRREQ", 89),
        ("EMSGSIZE", 90), ("EPROTOTYPE", 91), ("ENOPROTOOPT", 92), ("EPROTONOSUPPORT", 93), ("ESOCKTNOSUPPORT", 94),
        ("EOPNOTSUPP", 95), ("ENOTSUP", 95), ("EPFNOSUPPORT", 96), ("EAFNOSUPPORT", 97), ("EADDRINUSE", 98),
        ("EADDRNOTAVAIL", 99), ("ENETDOWN", 100), ("ENETUNREACH", 101), ("ENETRESET", 102), ("ECONNABORTED", 103),
        ("ECONNRESET", 104), ("ENOBUFS", 105), ("EISCONN", 106), ("ENOTCONN", 107), ("ESHUTDOWN", 108),
        ("ETOOMANYREFS", 109), ("ETIMEDOUT", 110), ("ECONNREFUSED", 111), ("EHOSTDOWN", 112), ("EHOSTUNREACH", 113),
        ("EALREADY", 114), ("EINPROGRESS", 115), ("ECANCELED", 125),
    };

    /// <summary>The numbers 4.4BSD gave networking and the rest, which macOS and FreeBSD both keep (their sys/errno.h).</summary>
    private static readonly (string Name, int Number)[] Bsd =
    {
        ("EDEADLK", 11), ("EAGAIN", 35), ("EWOULDBLOCK", 35), ("EINPROGRESS", 36), ("EALREADY", 37), ("ENOTSOCK", 38),
        ("EDESTADDRREQ", 39), ("EMSGSIZE", 40), ("EPROTOTYPE", 41), ("ENOPROTOOPT", 42), ("EPROTONOSUPPORT", 43),
        ("ESOCKTNOSUPPORT", 44), ("EPFNOSUPPORT", 46), ("EAFNOSUPPORT", 47), ("EADDRINUSE", 48), ("EADDRNOTAVAIL", 49),
        ("ENETDOWN", 50), ("ENETUNREACH", 51), ("ENETRESET", 52), ("ECONNABORTED", 53), ("ECONNRESET", 54),
        ("ENOBUFS", 55), ("EISCONN", 56), ("ENOTCONN", 57), ("ESHUTDOWN", 58), ("ETOOMANYREFS", 59), ("ETIMEDOUT", 60),
        ("ECONNREFUSED", 61), ("ELOOP", 62), ("ENAMETOOLONG", 63), ("EHOSTDOWN", 64), ("EHOSTUNREACH", 65),
        ("ENOTEMPTY", 66), ("ENOLCK", 77), ("ENOSYS", 78), ("EOVERFLOW", 84),
    };

    /// <summary>macOS: xnu bsd/sys/errno.h, where ENOTSUP (45) and EOPNOTSUPP (102) are different errors.</summary>
    internal static readonly (string Name, int Number)[] Darwin =
    [
        .. Bsd, ("ENOTSUP", 45), ("ECANCELED", 89), ("EILSEQ", 92), ("EOPNOTSUPP", 102),
    ];

    /// <summary>FreeBSD: sys/sys/errno.h, where ENOTSUP is EOPNOTSUPP (45).</summary>
    internal static readonly (string Name, int Number)[] FreeBsd =
    [
        .. Bsd, ("EOPNOTSUPP", 45), ("ENOTSUP", 45), ("ECANCELED", 85), ("EILSEQ", 86),
    ];
}

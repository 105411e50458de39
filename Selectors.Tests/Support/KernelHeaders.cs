using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NUnit.Framework;
// Named apart from the namespace Selectors.Tests.Architecture, which hides the type inside Selectors.Tests.
using CpuArchitecture = System.Runtime.InteropServices.Architecture;

namespace Selectors.Tests.Support;

/// <summary>
/// The kernel's (C library headers') view of the epoll and poll ABI for the architecture this process runs as: a tiny C
/// file naming struct sizes, field offsets and constants (errno numbers too), compiled at test time. Compiled once per
/// test run.
/// </summary>
/// <remarks>
/// The probe is compiled, never run: each value is an immediate operand in the compiler's assembly output, on a line
/// <c>@probe NAME=VALUE</c> (the way the Linux kernel's own build reads struct offsets, asm-offsets, when it
/// cross-compiles). So the values are the headers as the compiler for the target sees them, and nothing built for the
/// target has to start. That is what lets the arm64 CI leg check arm64's layout: it runs this assembly under qemu's
/// user-mode emulator, where the host's <c>cc</c> would describe x86-64's packed 12-byte struct epoll_event, and where an
/// arm64 probe could not be started (no binfmt handler is registered), while Debian's cross compiler, a host program,
/// starts like any other. The compiler is the process architecture's GNU triplet gcc (Debian's gcc provides
/// <c>x86_64-linux-gnu-gcc</c> natively; <c>gcc-aarch64-linux-gnu</c> provides <c>aarch64-linux-gnu-gcc</c>), else
/// <c>cc</c>. The probe also names the architecture it was compiled for, and a probe for another architecture than this
/// process's fails every test that asks, rather than compare the library with another architecture's layout.
/// </remarks>
internal static class KernelHeaders
{
    private const string Marker = "@probe ";

    private const string Program = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <stddef.h>
        #include <poll.h>
        #include <sys/epoll.h>

        #if defined(__x86_64__)
        #define ARCHITECTURE "X64"
        #elif defined(__aarch64__)
        #define ARCHITECTURE "Arm64"
        #elif defined(__i386__)
        #define ARCHITECTURE "X86"
        #elif defined(__arm__)
        #define ARCHITECTURE "Arm"
        #else
        #define ARCHITECTURE "unknown"
        #endif

        /* An immediate operand is printed plainly, or after '$' (x86) or '#'. */
        #define SHOW(name, value) __asm__ volatile("\n@probe " name "=%0" : : "i"((long long)(value)))
        #define CONST(name) SHOW(#name, name)

        void probe(void);

        void probe(void)
        {
            __asm__ volatile("\n@probe architecture=" ARCHITECTURE);

            SHOW("sizeof(struct epoll_event)", sizeof(struct epoll_event));
            SHOW("offsetof(struct epoll_event, events)", offsetof(struct epoll_event, events));
            SHOW("offsetof(struct epoll_event, data)", offsetof(struct epoll_event, data));
            SHOW("sizeof(epoll_data_t)", sizeof(epoll_data_t));
            SHOW("sizeof(struct pollfd)", sizeof(struct pollfd));
            SHOW("offsetof(struct pollfd, fd)", offsetof(struct pollfd, fd));
            SHOW("offsetof(struct pollfd, events)", offsetof(struct pollfd, events));
            SHOW("offsetof(struct pollfd, revents)", offsetof(struct pollfd, revents));
            SHOW("sizeof(nfds_t)", sizeof(nfds_t));

            CONST(EPOLL_CLOEXEC);
            CONST(EPOLL_CTL_ADD);
            CONST(EPOLL_CTL_DEL);
            CONST(EPOLL_CTL_MOD);

            SHOW("EPOLLIN", (unsigned int)EPOLLIN);
            SHOW("EPOLLPRI", (unsigned int)EPOLLPRI);
            SHOW("EPOLLOUT", (unsigned int)EPOLLOUT);
            SHOW("EPOLLERR", (unsigned int)EPOLLERR);
            SHOW("EPOLLHUP", (unsigned int)EPOLLHUP);
            SHOW("EPOLLRDNORM", (unsigned int)EPOLLRDNORM);
            SHOW("EPOLLRDBAND", (unsigned int)EPOLLRDBAND);
            SHOW("EPOLLWRNORM", (unsigned int)EPOLLWRNORM);
            SHOW("EPOLLWRBAND", (unsigned int)EPOLLWRBAND);
            SHOW("EPOLLMSG", (unsigned int)EPOLLMSG);
            SHOW("EPOLLRDHUP", (unsigned int)EPOLLRDHUP);
            SHOW("EPOLLEXCLUSIVE", (unsigned int)EPOLLEXCLUSIVE);
            SHOW("EPOLLWAKEUP", (unsigned int)EPOLLWAKEUP);
            SHOW("EPOLLONESHOT", (unsigned int)EPOLLONESHOT);
            SHOW("EPOLLET", (unsigned int)EPOLLET);

            CONST(POLLIN);
            CONST(POLLPRI);
            CONST(POLLOUT);
            CONST(POLLERR);
            CONST(POLLHUP);
            CONST(POLLNVAL);
            CONST(POLLRDNORM);
            CONST(POLLRDBAND);
            CONST(POLLWRNORM);
            CONST(POLLWRBAND);
            CONST(POLLMSG);
            CONST(POLLRDHUP);
            ERRNO_CONSTANTS
        }
        """;

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Values = new(Compile);

    /// <summary>The architecture the probe was compiled for: always this process's, or the probe fails.</summary>
    internal static CpuArchitecture Architecture => Enum.Parse<CpuArchitecture>(Values.Value["architecture"]);

    /// <summary>The value the C headers give for <paramref name="name"/> (as the probe names it, e.g. <c>EPOLLIN</c>).</summary>
    internal static long Get(string name) =>
        Values.Value.TryGetValue(name, out string? value)
            ? long.Parse(value.TrimStart('$', '#'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : throw new KeyNotFoundException($"The C probe did not name '{name}'.");

    private static IReadOnlyDictionary<string, string> Compile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "selectors-kernel-abi-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "abi.c");
            string assembly = Path.Combine(dir, "abi.s");
            // Every errno name the library's Linux table knows, so a name missing from <errno.h> fails to compile.
            string errno = string.Concat(Selectors.ErrnoTable.Linux.Names.Order(StringComparer.Ordinal).Select(name => $"CONST({name}); "));
            File.WriteAllText(source, Program.Replace("ERRNO_CONSTANTS", errno, StringComparison.Ordinal));
            string compiler = Compiler();
            Run(compiler, ["-std=c99", "-Wall", "-Werror", "-S", "-o", assembly, source], "compiling the C probe");

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in File.ReadLines(assembly))
            {
                int at = line.IndexOf(Marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    string entry = line[(at + Marker.Length)..].Trim();
                    int eq = entry.LastIndexOf('=');
                    values[entry[..eq]] = entry[(eq + 1)..];
                }
            }

            CpuArchitecture process = RuntimeInformation.ProcessArchitecture;
            if (values.GetValueOrDefault("architecture") != process.ToString())
            {
                Assert.Fail(
                    $"'{compiler}' compiled the C probe for {values.GetValueOrDefault("architecture", "nothing")}, but this " +
                    $"process runs as {process}: its layout needs a compiler for {process} on PATH (for arm64 on " +
                    "Debian: gcc-aarch64-linux-gnu and libc6-dev-arm64-cross, as .ci/legs/arm64.sh installs).");
            }

            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The process architecture's GNU triplet gcc where it is on PATH, else <c>cc</c>.</summary>
    private static string Compiler()
    {
        string? triplet = RuntimeInformation.ProcessArchitecture switch
        {
            CpuArchitecture.X64 => "x86_64-linux-gnu",
            CpuArchitecture.Arm64 => "aarch64-linux-gnu",
            CpuArchitecture.X86 => "i686-linux-gnu",
            CpuArchitecture.Arm => "arm-linux-gnueabihf",
            _ => null,
        };
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return triplet is not null && path.Any(dir => File.Exists(Path.Combine(dir, triplet + "-gcc"))) ? triplet + "-gcc" : "cc";
    }

    private static void Run(string file, string[] args, string what)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"{what} needs '{file}' on PATH (a C compiler, e.g. gcc, as CI has); it could not be started: {e.Message}");
            throw;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                Assert.Fail($"{what}: '{file}' did not finish within 60 s.");
            }

            if (process.ExitCode != 0)
            {
                Assert.Fail($"{what}: '{file}' exited with {process.ExitCode}: {stderr.Result}{stdout}");
            }
        }
    }
}

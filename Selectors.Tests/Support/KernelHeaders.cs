using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Selectors.Tests.Support;

/// <summary>
/// The kernel's (C library headers') view of the epoll and poll ABI: a tiny C program compiled with <c>cc</c> at test
/// time prints struct sizes, field offsets and constants (errno numbers too) as <c>NAME=value</c> lines. Compiled once per test run.
/// </summary>
internal static class KernelHeaders
{
    private const string Program = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <stdio.h>
        #include <stddef.h>
        #include <poll.h>
        #include <sys/epoll.h>

        #define SHOW(name, value) printf("%s=%lld\n", name, (long long)(value))
        #define CONST(name) SHOW(#name, name)

        int main(void)
        {
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
            return 0;
        }
        """;

    private static readonly Lazy<IReadOnlyDictionary<string, long>> Values = new(CompileAndRun);

    /// <summary>The value the C headers give for <paramref name="name"/> (as printed by the program, e.g. <c>EPOLLIN</c>).</summary>
    internal static long Get(string name) =>
        Values.Value.TryGetValue(name, out long value)
            ? value
            : throw new KeyNotFoundException($"The C probe program did not print '{name}'.");

    private static IReadOnlyDictionary<string, long> CompileAndRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), "selectors-kernel-abi-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "abi.c");
            string exe = Path.Combine(dir, "abi");
            // Every errno name the library's Linux table knows, so a name missing from <errno.h> fails to compile.
            string errno = string.Concat(Selectors.ErrnoTable.Linux.Names.Order(StringComparer.Ordinal).Select(name => $"CONST({name}); "));
            File.WriteAllText(source, Program.Replace("ERRNO_CONSTANTS", errno, StringComparison.Ordinal));
            Run("cc", ["-std=c99", "-Wall", "-Werror", "-o", exe, source], "compiling the C probe program");
            string output = Run(exe, [], "running the C probe program");

            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = line.LastIndexOf('=');
                values[line[..eq]] = long.Parse(line[(eq + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }

            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, string[] args, string what)
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

            return stdout;
        }
    }
}

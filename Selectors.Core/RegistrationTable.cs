using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Selectors;

/// <summary>
/// The selector's map, descriptor to <see cref="Registration"/>, with Python's lookup rules: a file object is found by
/// its descriptor, or, when it yields none (closed), by reference among the registered keys.
/// </summary>
internal sealed class RegistrationTable
{
    private readonly Dictionary<int, Registration> _byFd = new();

    internal int Count => _byFd.Count;

    internal Dictionary<int, Registration> ByFd => _byFd;

    internal bool TryGet(int fd, [MaybeNullWhen(false)] out Registration registration) => _byFd.TryGetValue(fd, out registration);

    internal void Add(Registration registration) => _byFd.Add(registration.Fd, registration);

    internal void Remove(Registration registration) => _byFd.Remove(registration.Fd);

    internal void Clear() => _byFd.Clear();

    /// <summary>
    /// The registration of <paramref name="fileObject"/>, or null when it has none. A stale registration (its own object
    /// closed) does not belong to another object that now has its number.
    /// </summary>
    /// <param name="fileObject">The object to look up.</param>
    /// <param name="fd">Its descriptor, or the registration's when it was found by reference.</param>
    /// <exception cref="System.ArgumentException">It yields no descriptor and is not registered by reference.</exception>
    internal Registration? Find(object fileObject, out int fd)
    {
        fd = FileObjects.TryGetFd(fileObject);
        if (fd < 0)
        {
            foreach (Registration candidate in _byFd.Values)
            {
                if (ReferenceEquals(candidate.Key.FileObject, fileObject))
                {
                    fd = candidate.Fd;
                    return candidate;
                }
            }

            throw FileObjects.NoDescriptor(fileObject);
        }

        return _byFd.TryGetValue(fd, out Registration? registration)
            && (!registration.Stale || ReferenceEquals(registration.Key.FileObject, fileObject))
                ? registration
                : null;
    }
}

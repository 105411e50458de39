namespace Selectors;

/// <summary>
/// One registration, as Python's <c>SelectorKey</c> named tuple: immutable, compared by value over all four members.
/// The selector hands out the very same key object from Register, GetKey, GetMap, Select and Unregister, until
/// Modify replaces it with a new one.
/// </summary>
/// <param name="FileObject">The object given to Register (Python's <c>fileobj</c>).</param>
/// <param name="Fd">The descriptor it resolved to (<c>fd</c>).</param>
/// <param name="Events">The registered interest (<c>events</c>).</param>
/// <param name="Data">The caller's data, often a callback (<c>data</c>).</param>
public sealed record SelectorKey(object FileObject, int Fd, SelectorEvents Events, object? Data);

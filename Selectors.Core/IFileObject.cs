namespace Selectors;

/// <summary>Python's <c>fileno()</c> protocol: anything that can name its descriptor can be registered.</summary>
public interface IFileObject
{
    /// <summary>The descriptor; a negative value (or an <see cref="System.ObjectDisposedException"/>) means the object is closed.</summary>
    int Fileno();
}

using System;

namespace Selectors.Examples;

/// <summary>Bad command-line arguments: <see cref="Program"/> prints the message and the usage to stderr and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

using System;

namespace Selectors.Examples.Crawl;

/// <summary>The server's bytes are not an HTTP/1.1 response this crawler can read: a per-URL error, never a crash.</summary>
internal sealed class MalformedResponseException(string message) : Exception(message);

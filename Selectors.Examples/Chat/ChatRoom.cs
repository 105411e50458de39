using System;
using System.Collections.Generic;
using System.Text;

namespace Selectors.Examples;

/// <summary>
/// The members of the chat example (connections that have chosen a nickname) and the broadcasts between them.
/// A broadcast only queues bytes on each recipient; each connection sends its queue when its socket is writable.
/// </summary>
internal sealed class ChatRoom
{
    private readonly Dictionary<string, ChatConnection> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many have joined.</summary>
    public int Count => _byName.Count;

    /// <summary>Whether a member already uses <paramref name="name"/> (compared case-insensitively).</summary>
    public bool IsTaken(string name) => _byName.ContainsKey(name);

    /// <summary>Adds <paramref name="member"/> and tells everyone else <c>* NAME joined</c>.</summary>
    public void Join(ChatConnection member, string name)
    {
        _byName.Add(name, member);
        Broadcast(member, $"* {name} joined\n");
    }

    /// <summary>Removes the member called <paramref name="name"/> and tells everyone else <c>* NAME left</c>.</summary>
    public void Leave(string name)
    {
        if (_byName.Remove(name, out ChatConnection? member))
        {
            Broadcast(member, $"* {name} left\n");
        }
    }

    /// <summary>Queues <paramref name="line"/> (ending in a newline) for every member but <paramref name="sender"/>.</summary>
    public void Broadcast(ChatConnection sender, string line) => Broadcast(sender, Encoding.UTF8.GetBytes(line));

    /// <summary>Queues <paramref name="line"/> (ending in a newline) for every member but <paramref name="sender"/>.</summary>
    public void Broadcast(ChatConnection sender, ReadOnlySpan<byte> line)
    {
        List<ChatConnection>? tooSlow = null;
        foreach (ChatConnection member in _byName.Values)
        {
            if (member != sender && !member.Deliver(line))
            {
                (tooSlow ??= []).Add(member);
            }
        }

        // Closed after the loop: closing one announces its leaving, which must not change the members under enumeration.
        foreach (ChatConnection member in tooSlow ?? [])
        {
            member.Close("too slow: output queue full");
        }
    }
}

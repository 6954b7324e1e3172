using System;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Reads encoded values back: scalars as .NET values, nodes as lazy views (docs/format-values.md).</summary>
    internal static class NodeReader
    {
        public static object Read(INodeSpace space, string key, byte tag, ulong payload, ValueProjection projection)
        {
            if (space == null) throw new ArgumentNullException(nameof(space));
            var context = new NodeContext(space, key, projection ?? ValueProjection.None);
            space.EnterRead();
            try { return context.ReadSlot(tag, payload, true); }
            finally { space.ExitRead(); }
        }
    }
}

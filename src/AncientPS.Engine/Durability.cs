using System;

namespace AncientPS.Engine
{
    /// <summary>When a committed write reaches stable storage.</summary>
    public enum Durability
    {
        /// <summary>Committed writes are visible to every process at once and reach the disk when the OS writes its page cache back. A power loss can lose the latest commits, never corrupt older ones.</summary>
        Fast = 0,
        /// <summary>Each commit flushes its data, then its metadata, to stable storage before it returns. Survives power loss, at the cost of two flushes per write.</summary>
        Flushed = 1,
    }
}

using System;
using System.Threading;

namespace AncientPS.Engine.Views
{
    /// <summary>
    /// The projected composite elements of one list or dictionary view, so that two reads of one element give the same
    /// object. Kept in chunks of 1,024 slots, each made on its first use: reading one element of a million-element list
    /// costs a few KB, not the 8 MB a flat array would. Safe for concurrent readers: the first projection stored wins.
    /// </summary>
    internal sealed class ProjectionCache
    {
        private const int ChunkBits = 10;
        private const int ChunkSize = 1 << ChunkBits;
        private readonly object[][] _chunks;

        public ProjectionCache(int slots)
        {
            _chunks = new object[(int)(((long)slots + ChunkSize - 1) >> ChunkBits)][];
        }

        /// <summary>The object already projected for <paramref name="slot"/>, or null.</summary>
        public object Get(int slot)
        {
            var chunk = Volatile.Read(ref _chunks[slot >> ChunkBits]);
            return chunk == null ? null : Volatile.Read(ref chunk[slot & (ChunkSize - 1)]);
        }

        /// <summary>Keeps <paramref name="made"/> for <paramref name="slot"/> unless another thread kept one first; returns the kept one.</summary>
        public object Keep(int slot, object made)
        {
            ref var chunkRef = ref _chunks[slot >> ChunkBits];
            var chunk = Volatile.Read(ref chunkRef) ?? Interlocked.CompareExchange(ref chunkRef, new object[ChunkSize], null) ?? Volatile.Read(ref chunkRef);
            return Interlocked.CompareExchange(ref chunk[slot & (ChunkSize - 1)], made, null) ?? made;
        }

        /// <summary>Makes the cache for a view on first use, safely between threads.</summary>
        public static ProjectionCache For(ref ProjectionCache field, int slots)
            => Volatile.Read(ref field) ?? Interlocked.CompareExchange(ref field, new ProjectionCache(slots), null) ?? Volatile.Read(ref field);
    }
}

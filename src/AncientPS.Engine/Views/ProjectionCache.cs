using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace AncientPS.Engine.Views
{
    /// <summary>
    /// The projected composite elements of one list or dictionary view, so that two reads of one element give the same
    /// object. Kept in chunks of 1,024 slots, each made on its first use: reading one element of a million-element list
    /// costs a few KB, not the 8 MB a flat array would. Safe for concurrent readers: the first projection stored wins.
    /// <para>
    /// An element is held in one of two ways. <see cref="Keep"/> holds it for as long as the view lives (an element read
    /// by index, which a script may change with Add-Member and read again by index). <see cref="KeepWeakly"/> holds it
    /// only while something else does (an element met by the view's first enumeration): a scan then does not keep a
    /// projection of every element alive, which is most of what a first pass over a large list costs (the garbage
    /// collector copying each survivor twice), while a script that still holds an element it enumerated gets that same
    /// object back from the view. A weak element is held strongly once it is read by index, met by a later enumeration
    /// of the view (a script that goes over a view again keeps its elements, so later passes are fast), or the
    /// enumerator finds it changed (<see cref="ValueProjection.ShouldKeep"/>).
    /// </para>
    /// </summary>
    internal sealed class ProjectionCache
    {
        private const int ChunkBits = 10;
        private const int ChunkSize = 1 << ChunkBits;
        private readonly object[][] _chunks;
        private WeakSlots _weak;
        // Taken by the slow paths only (an element not held yet, about to be): one object per element, whichever path
        // and thread kept it first. A read of an element held strongly takes no lock.
        private readonly object _gate = new object();

        public ProjectionCache(int slots)
        {
            _chunks = new object[(int)(((long)slots + ChunkSize - 1) >> ChunkBits)][];
        }

        /// <summary>The object held strongly for <paramref name="slot"/>, or null.</summary>
        public object Get(int slot)
        {
            var chunk = Volatile.Read(ref _chunks[slot >> ChunkBits]);
            return chunk == null ? null : Volatile.Read(ref chunk[slot & (ChunkSize - 1)]);
        }

        /// <summary>The object held for <paramref name="slot"/>, strongly or (while it is alive) weakly, or null.</summary>
        public object GetAny(int slot) => Get(slot) ?? Volatile.Read(ref _weak)?.Target(slot);

        /// <summary>
        /// The object held for <paramref name="slot"/>, now held strongly: the one held strongly, else the one still alive
        /// from a weak hold, else null.
        /// </summary>
        public object GetAndHold(int slot)
        {
            var held = Get(slot);
            if (held != null) return held;
            var alive = Volatile.Read(ref _weak)?.Target(slot);
            return alive == null ? null : Keep(slot, alive);
        }

        /// <summary>
        /// Holds <paramref name="made"/> for <paramref name="slot"/> as long as the view, unless an object is held for the
        /// slot already (strongly, or weakly and alive, which is then held strongly); returns the held one. Safe between
        /// threads: every reader of a slot gets the one object kept first.
        /// </summary>
        public object Keep(int slot, object made)
        {
            ref var chunkRef = ref _chunks[slot >> ChunkBits];
            var chunk = Volatile.Read(ref chunkRef) ?? Interlocked.CompareExchange(ref chunkRef, new object[ChunkSize], null) ?? Volatile.Read(ref chunkRef);
            int at = slot & (ChunkSize - 1);
            lock (_gate)
            {
                var held = Volatile.Read(ref chunk[at]) ?? Volatile.Read(ref _weak)?.Target(slot) ?? made;
                Volatile.Write(ref chunk[at], held);
                return held;
            }
        }

        /// <summary>
        /// Holds <paramref name="made"/> for <paramref name="slot"/> while something else holds it, unless an object is
        /// held for the slot already (strongly, or weakly and alive); returns the held one.
        /// </summary>
        public object KeepWeakly(int slot, object made)
        {
            lock (_gate)
            {
                var held = Get(slot);
                if (held != null) return held;
                var weak = _weak;
                if (weak == null) Volatile.Write(ref _weak, weak = new WeakSlots(_chunks.Length));
                return weak.Hold(slot, made);
            }
        }

        /// <summary>Makes the cache for a view on first use, safely between threads.</summary>
        public static ProjectionCache For(ref ProjectionCache field, int slots)
            => Volatile.Read(ref field) ?? Interlocked.CompareExchange(ref field, new ProjectionCache(slots), null) ?? Volatile.Read(ref field);

        /// <summary>
        /// Weak holds, as GC handles in chunks of 1,024 made on first use; a slot's handle is made once and pointed at the
        /// next projection when its object has died. The handles are freed when the view's cache is collected.
        /// </summary>
        private sealed class WeakSlots
        {
            private readonly IntPtr[][] _chunks;

            public WeakSlots(int chunks) { _chunks = new IntPtr[chunks][]; }

            public object Target(int slot)
            {
                var chunk = Volatile.Read(ref _chunks[slot >> ChunkBits]);
                if (chunk == null) return null;
                IntPtr handle = Volatile.Read(ref chunk[slot & (ChunkSize - 1)]);
                return handle == IntPtr.Zero ? null : GCHandle.FromIntPtr(handle).Target;
            }

            /// <summary>Holds <paramref name="made"/> weakly unless the slot's object is alive; the caller holds the cache's gate.</summary>
            public object Hold(int slot, object made)
            {
                ref var chunkRef = ref _chunks[slot >> ChunkBits];
                var chunk = Volatile.Read(ref chunkRef);
                if (chunk == null) Volatile.Write(ref chunkRef, chunk = new IntPtr[ChunkSize]);
                int at = slot & (ChunkSize - 1);
                IntPtr handle = chunk[at];
                if (handle == IntPtr.Zero)
                {
                    Volatile.Write(ref chunk[at], GCHandle.ToIntPtr(GCHandle.Alloc(made, GCHandleType.Weak)));
                    return made;
                }
                var gc = GCHandle.FromIntPtr(handle);
                var alive = gc.Target;
                if (alive != null) return alive;
                gc.Target = made;
                return made;
            }

            ~WeakSlots()
            {
                foreach (var chunk in _chunks)
                {
                    if (chunk == null) continue;
                    for (int i = 0; i < chunk.Length; i++)
                        if (chunk[i] != IntPtr.Zero) GCHandle.FromIntPtr(chunk[i]).Free();
                }
            }
        }
    }
}

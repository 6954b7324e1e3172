using System.Collections.Generic;

namespace AncientPS
{
    /// <summary>
    /// The heaps mounted in this process. Runspaces of one process share it, as they share the heaps themselves,
    /// so a heap mounted in one runspace is the default heap in a ForEach-Object -Parallel block too.
    /// </summary>
    internal static class MountedHeaps
    {
        private static readonly List<AncientHeap> s_heaps = new List<AncientHeap>();

        public static void Add(AncientHeap heap)
        {
            lock (s_heaps) s_heaps.Add(heap);
        }

        public static void Remove(AncientHeap heap)
        {
            lock (s_heaps) s_heaps.Remove(heap);
        }

        /// <summary>The mounted heaps, in mount order; heaps disposed behind the module's back are dropped.</summary>
        public static IReadOnlyList<AncientHeap> Snapshot()
        {
            lock (s_heaps)
            {
                s_heaps.RemoveAll(h => !h.IsMounted);
                return s_heaps.ToArray();
            }
        }

        public static bool Contains(AncientHeap heap)
        {
            lock (s_heaps) return s_heaps.Contains(heap);
        }

        public static int Count => Snapshot().Count;

    }
}

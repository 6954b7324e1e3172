using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The key directory: a copy-on-write hash array mapped trie over the keys' 64-bit hashes, 32 ways per level.
    /// A write copies only the path from the root to the changed entry, so a commit costs O(log32 n) new nodes and the
    /// previous root stays intact for snapshot readers.
    /// </summary>
    internal static unsafe class KeyDirectory
    {
        public const int BitsPerLevel = 5;
        public const int MaxDepth = 13; // 13 * 5 >= 64 bits; deeper than this only full-hash collisions remain.
        private static int IndexAt(ulong hash, int depth) => (int)((hash >> (depth * BitsPerLevel)) & 31);

        private static int PopCount(uint x) => BranchNode.PopCount(x);

        /// <summary>Finds the entry for <paramref name="key"/>; 0 when absent.</summary>
        public static long Find(BoundedSpace space, long root, string key, ulong hash)
        {
            long node = root;
            for (int depth = 0; node != 0; depth++)
            {
                if (depth > MaxDepth + 1) throw new AncientHeapCorruptException("The key directory is deeper than any valid directory; it is damaged.");
                byte* p = space.At(node, 8);
                switch (p[0])
                {
                    case HeapLayout.KindEntry:
                        return KeyEntry.Matches(space, node, key, hash) ? node : 0;
                    case HeapLayout.KindBranch:
                    {
                        uint bitmap = BranchNode.BitmapOf(p);
                        uint bit = 1u << IndexAt(hash, Math.Min(depth, MaxDepth - 1));
                        if ((bitmap & bit) == 0) return 0;
                        node = BranchNode.ChildAt(space, node, BranchNode.PositionOf(bitmap, bit));
                        break;
                    }
                    case HeapLayout.KindCollision:
                    {
                        int count = CollisionNode.CountAt(space, node);
                        for (int i = 0; i < count; i++)
                        {
                            long e = CollisionNode.EntryAt(space, node, i);
                            if (KeyEntry.Matches(space, e, key, hash)) return e;
                        }
                        return 0;
                    }
                    default:
                        throw new AncientHeapCorruptException($"Unexpected node kind 0x{p[0]:X2} in the key directory at offset {node}.");
                }
            }
            return 0;
        }

        /// <summary>
        /// Visits every entry. A node reached twice is damage: without that check a hostile branch whose 32 children all
        /// point back at it would be walked 32^14 times before the depth bound stopped it.
        /// </summary>
        public static void ForEach(BoundedSpace space, long root, Action<long> visit)
        {
            if (root == 0) return;
            var stack = new Stack<KeyValuePair<long, int>>();
            var seen = new HashSet<long>();
            stack.Push(new KeyValuePair<long, int>(root, 0));
            while (stack.Count > 0)
            {
                var top = stack.Pop();
                long node = top.Key;
                int depth = top.Value;
                if (depth > MaxDepth + 1) throw new AncientHeapCorruptException("The key directory is deeper than any valid directory; it is damaged.");
                byte* p = space.At(node, 8);
                // Only inner nodes can multiply the walk, and there are ~32 times fewer of them than entries.
                if (p[0] != HeapLayout.KindEntry && !seen.Add(node))
                    throw new AncientHeapCorruptException($"The key directory reaches the node at offset {node} twice; it is damaged.");
                switch (p[0])
                {
                    case HeapLayout.KindEntry:
                        visit(node);
                        break;
                    case HeapLayout.KindBranch:
                    {
                        int n = PopCount(BranchNode.BitmapOf(p));
                        long* c = BranchNode.ChildrenAt(space, node, n);
                        for (int i = n - 1; i >= 0; i--) stack.Push(new KeyValuePair<long, int>(c[i], depth + 1));
                        break;
                    }
                    case HeapLayout.KindCollision:
                    {
                        int count = CollisionNode.CountAt(space, node);
                        for (int i = count - 1; i >= 0; i--)
                        {
                            long e = CollisionNode.EntryAt(space, node, i);
                            stack.Push(new KeyValuePair<long, int>(e, MaxDepth + 1));
                        }
                        break;
                    }
                    default:
                        throw new AncientHeapCorruptException($"Unexpected node kind 0x{p[0]:X2} in the key directory at offset {node}.");
                }
            }
        }

        /// <summary>A directory node a write replaced: its range and the transaction that wrote it.</summary>
        public struct Freed
        {
            public long Offset, Length, Born;
        }

        private struct PathStep
        {
            public long Node;
            public int Depth;
        }

        /// <summary>
        /// Returns the new root after putting <paramref name="entry"/> (already written) in place of any entry with its key.
        /// <paramref name="replaced"/> is the entry it displaced, or 0.
        /// </summary>
        public static long Put(WriteTransaction tx, BoundedSpace space, long root, string key, ulong hash, long entry, List<Freed> freed, out long replaced)
        {
            replaced = 0;
            var path = new List<PathStep>();
            long node = root;
            long replacement;
            int depth = 0;
            while (true)
            {
                if (node == 0) { replacement = entry; break; }
                if (depth > MaxDepth + 1) throw new AncientHeapCorruptException("The key directory is deeper than any valid directory; it is damaged.");
                byte* p = space.At(node, 8);
                if (p[0] == HeapLayout.KindBranch)
                {
                    uint bitmap = BranchNode.BitmapOf(p);
                    uint bit = 1u << IndexAt(hash, Math.Min(depth, MaxDepth - 1));
                    if ((bitmap & bit) == 0)
                    {
                        replacement = CopyBranch(tx, space, node, depth, hash, entry, insert: true);
                        freed.Add(BranchFreed(space, node));
                        break;
                    }
                    path.Add(new PathStep { Node = node, Depth = depth });
                    node = BranchNode.ChildAt(space, node, BranchNode.PositionOf(bitmap, bit));
                    depth++;
                    continue;
                }
                if (p[0] == HeapLayout.KindEntry)
                {
                    if (KeyEntry.Matches(space, node, key, hash))
                    {
                        replaced = node;
                        replacement = entry;
                    }
                    else
                    {
                        replacement = Split(tx, depth, node, KeyEntry.HashAt(space, node), entry, hash);
                    }
                    break;
                }
                if (p[0] == HeapLayout.KindCollision)
                {
                    int count = CollisionNode.CountAt(space, node);
                    var members = new List<long>(count + 1);
                    for (int i = 0; i < count; i++)
                    {
                        long e = CollisionNode.EntryAt(space, node, i);
                        if (KeyEntry.Matches(space, e, key, hash)) replaced = e; else members.Add(e);
                    }
                    members.Add(entry);
                    replacement = WriteCollision(tx, members);
                    freed.Add(CollisionFreed(space, node));
                    break;
                }
                throw new AncientHeapCorruptException($"Unexpected node kind 0x{p[0]:X2} in the key directory at offset {node}.");
            }
            return Rebuild(tx, space, path, hash, replacement, freed);
        }

        /// <summary>Returns the new root after taking <paramref name="key"/> out; <paramref name="removed"/> is its entry, or 0 (root unchanged).</summary>
        public static long Delete(WriteTransaction tx, BoundedSpace space, long root, string key, ulong hash, List<Freed> freed, out long removed)
        {
            removed = 0;
            var path = new List<PathStep>();
            long node = root;
            int depth = 0;
            long replacement;
            while (true)
            {
                if (node == 0) return root;
                if (depth > MaxDepth + 1) throw new AncientHeapCorruptException("The key directory is deeper than any valid directory; it is damaged.");
                byte* p = space.At(node, 8);
                if (p[0] == HeapLayout.KindBranch)
                {
                    uint bitmap = BranchNode.BitmapOf(p);
                    uint bit = 1u << IndexAt(hash, Math.Min(depth, MaxDepth - 1));
                    if ((bitmap & bit) == 0) return root;
                    path.Add(new PathStep { Node = node, Depth = depth });
                    node = BranchNode.ChildAt(space, node, BranchNode.PositionOf(bitmap, bit));
                    depth++;
                    continue;
                }
                if (p[0] == HeapLayout.KindEntry)
                {
                    if (!KeyEntry.Matches(space, node, key, hash)) return root;
                    removed = node;
                    replacement = 0;
                    break;
                }
                if (p[0] == HeapLayout.KindCollision)
                {
                    int count = CollisionNode.CountAt(space, node);
                    var members = new List<long>(count);
                    for (int i = 0; i < count; i++)
                    {
                        long e = CollisionNode.EntryAt(space, node, i);
                        if (removed == 0 && KeyEntry.Matches(space, e, key, hash)) removed = e; else members.Add(e);
                    }
                    if (removed == 0) return root;
                    replacement = members.Count == 1 ? members[0] : WriteCollision(tx, members);
                    freed.Add(CollisionFreed(space, node));
                    break;
                }
                throw new AncientHeapCorruptException($"Unexpected node kind 0x{p[0]:X2} in the key directory at offset {node}.");
            }
            return Rebuild(tx, space, path, hash, replacement, freed);
        }

        /// <summary>Copies each branch on the path with its child replaced, from the bottom up. A child of 0 is removed.</summary>
        private static long Rebuild(WriteTransaction tx, BoundedSpace space, List<PathStep> path, ulong hash, long child, List<Freed> freed)
        {
            for (int i = path.Count - 1; i >= 0; i--)
            {
                long node = path[i].Node;
                int depth = path[i].Depth;
                freed.Add(BranchFreed(space, node));
                if (child == 0)
                {
                    uint bitmap = BranchNode.BitmapOf(BranchNode.HeaderAt(space, node));
                    uint bit = 1u << IndexAt(hash, Math.Min(depth, MaxDepth - 1));
                    uint rest = bitmap & ~bit;
                    if (rest == 0) { child = 0; continue; }
                    if (PopCount(rest) == 1)
                    {
                        // A branch left with one entry collapses into it: lookups compare the full key at the entry.
                        int removedAt = BranchNode.PositionOf(bitmap, bit);
                        long only = BranchNode.ChildAt(space, node, removedAt == 0 ? 1 : 0);
                        byte kind = *space.At(only, 1);
                        if (kind == HeapLayout.KindEntry) { child = only; continue; }
                    }
                    child = CopyBranch(tx, space, node, depth, hash, 0, insert: false, remove: true);
                }
                else
                {
                    child = CopyBranch(tx, space, node, depth, hash, child, insert: false);
                }
            }
            return child;
        }

        private static Freed BranchFreed(BoundedSpace space, long node)
        {
            byte* p = BranchNode.HeaderAt(space, node);
            return new Freed { Offset = node, Length = HeapLayout.NodeClass(BranchNode.SizeFor(PopCount(BranchNode.BitmapOf(p)))), Born = BranchNode.BornOf(p) };
        }

        private static Freed CollisionFreed(BoundedSpace space, long node)
        {
            byte* p = CollisionNode.HeaderAt(space, node);
            return new Freed { Offset = node, Length = HeapLayout.NodeClass(CollisionNode.SizeFor(CollisionNode.CountOf(p))), Born = CollisionNode.BornOf(p) };
        }

        private static long CopyBranch(WriteTransaction tx, BoundedSpace space, long node, int depth, ulong hash, long child, bool insert, bool remove = false)
        {
            uint bitmap = BranchNode.BitmapOf(BranchNode.HeaderAt(space, node));
            int n = PopCount(bitmap);
            long* children = BranchNode.ChildrenAt(space, node, n);
            uint bit = 1u << IndexAt(hash, Math.Min(depth, MaxDepth - 1));
            int pos = BranchNode.PositionOf(bitmap, bit);
            uint newBitmap = insert ? bitmap | bit : remove ? bitmap & ~bit : bitmap;
            int m = PopCount(newBitmap);
            long offset = tx.AllocateNode(BranchNode.SizeFor(m), out byte* dst);
            BranchNode.WriteHeader(dst, newBitmap, tx.TransactionId);
            long* outc = BranchNode.Children(dst);
            int w = 0;
            for (int i = 0; i < n; i++)
            {
                if (i == pos)
                {
                    if (insert) { outc[w++] = child; outc[w++] = children[i]; continue; }
                    if (remove) continue;
                    outc[w++] = child;
                    continue;
                }
                outc[w++] = children[i];
            }
            if (insert && pos == n) outc[w++] = child;
            Debug.Assert(w == m, "A copied branch has as many children as its bitmap has bits.");
            return offset;
        }

        private static long NewBranch(WriteTransaction tx, uint bitmap, long first, long second)
        {
            int m = PopCount(bitmap);
            Debug.Assert(m == 1 || m == 2, "A new branch holds one or two children.");
            long offset = tx.AllocateNode(BranchNode.SizeFor(m), out byte* dst);
            BranchNode.WriteHeader(dst, bitmap, tx.TransactionId);
            BranchNode.Children(dst)[0] = first;
            if (m > 1) BranchNode.Children(dst)[1] = second;
            return offset;
        }

        /// <summary>Builds the subtree that holds two entries whose hashes agree on the levels above <paramref name="depth"/>.</summary>
        private static long Split(WriteTransaction tx, int depth, long a, ulong ha, long b, ulong hb)
        {
            int d = depth;
            while (d < MaxDepth && IndexAt(ha, d) == IndexAt(hb, d)) d++;
            long node;
            if (d >= MaxDepth || ha == hb)
            {
                node = WriteCollision(tx, new List<long> { a, b });
                d = Math.Min(d, MaxDepth);
            }
            else
            {
                int ia = IndexAt(ha, d), ib = IndexAt(hb, d);
                uint bitmap = (1u << ia) | (1u << ib);
                node = ia < ib ? NewBranch(tx, bitmap, a, b) : NewBranch(tx, bitmap, b, a);
            }
            for (int k = d - 1; k >= depth; k--)
                node = NewBranch(tx, 1u << IndexAt(ha, k), node, 0);
            return node;
        }

        private static long WriteCollision(WriteTransaction tx, List<long> members)
        {
            long offset = tx.AllocateNode(CollisionNode.SizeFor(members.Count), out byte* dst);
            CollisionNode.Write(dst, members, tx.TransactionId);
            return offset;
        }
    }
}

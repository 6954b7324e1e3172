using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// What <see cref="KeyDirectory"/> relies on in a committed directory, checked in one walk: every entry lies where
    /// its hash leads (else Find misses it), each node has one parent (else ForEach lists an entry twice), branches sit
    /// above the last level and are not empty, a collision node holds two or more entries of one hash, every node was
    /// written by a committed transaction, and the meta page's key count is the number of entries.
    /// For tests and the stress and fuzz harnesses (<see cref="MappedHeap.CheckInvariants"/>); the verifier
    /// (Verification/HeapChecker.Directory.cs) reports the same damage to users, one problem at a time.
    /// </summary>
    internal static unsafe class DirectoryInvariants
    {
        private struct Step
        {
            public long Node;
            public int Depth;
            public ulong Mask;
            public ulong Bits;
        }

        /// <summary>The first broken rule of the directory at <paramref name="root"/>, or null.</summary>
        public static string FindBroken(BoundedSpace space, long root, long keyCount, long transactionId)
        {
            long entries = 0;
            var seen = new HashSet<long>();
            var stack = new Stack<Step>();
            if (root != 0) stack.Push(new Step { Node = root });
            while (stack.Count > 0)
            {
                var step = stack.Pop();
                long node = step.Node;
                if ((node & 7) != 0) return $"The directory refers to the unaligned offset {node}.";
                if (!seen.Add(node)) return $"The directory reaches the node at offset {node} twice.";
                byte kind = *space.At(node, 1);
                switch (kind)
                {
                    case HeapLayout.KindEntry:
                    {
                        string broken = CheckEntry(space, node, step, transactionId);
                        if (broken != null) return broken;
                        entries++;
                        break;
                    }
                    case HeapLayout.KindBranch:
                    {
                        if (step.Depth >= KeyDirectory.MaxDepth) return $"The branch at offset {node} is at depth {step.Depth}, below the last level.";
                        byte* h = BranchNode.HeaderAt(space, node);
                        uint bitmap = BranchNode.BitmapOf(h);
                        if (bitmap == 0) return $"The branch at offset {node} has no children.";
                        string born = CheckBorn(BranchNode.BornOf(h), node, transactionId);
                        if (born != null) return born;
                        int n = BranchNode.PopCount(bitmap);
                        long* children = BranchNode.ChildrenAt(space, node, n);
                        int shift = step.Depth * KeyDirectory.BitsPerLevel;
                        int pos = 0;
                        for (int index = 0; index < 32; index++)
                        {
                            if ((bitmap & (1u << index)) == 0) continue;
                            if (shift + KeyDirectory.BitsPerLevel > 64 && (index >> (64 - shift)) != 0)
                                return $"The branch at offset {node} has child index {index}, which no 64-bit hash reaches at depth {step.Depth}.";
                            stack.Push(new Step
                            {
                                Node = children[pos++],
                                Depth = step.Depth + 1,
                                Mask = step.Mask | (31UL << shift),
                                Bits = step.Bits | ((ulong)index << shift),
                            });
                        }
                        break;
                    }
                    case HeapLayout.KindCollision:
                    {
                        byte* h = CollisionNode.HeaderAt(space, node);
                        int count = CollisionNode.CountAt(space, node);
                        if (count < 2) return $"The collision node at offset {node} holds {count} entries; it needs two or more.";
                        string born = CheckBorn(CollisionNode.BornOf(h), node, transactionId);
                        if (born != null) return born;
                        ulong hash = 0;
                        for (int i = 0; i < count; i++)
                        {
                            long entry = CollisionNode.EntryAt(space, node, i);
                            if ((entry & 7) != 0 || *space.At(entry, 1) != HeapLayout.KindEntry) return $"Member {i} of the collision node at offset {node} is not a key entry.";
                            if (!seen.Add(entry)) return $"The directory reaches the entry at offset {entry} twice.";
                            string broken = CheckEntry(space, entry, step, transactionId);
                            if (broken != null) return broken;
                            ulong h2 = KeyEntry.HashAt(space, entry);
                            if (i > 0 && h2 != hash) return $"The collision node at offset {node} holds entries of different hashes.";
                            hash = h2;
                            entries++;
                        }
                        break;
                    }
                    default:
                        return $"The directory refers to a node of kind 0x{kind:X2} at offset {node}.";
                }
            }
            if (entries != keyCount) return $"The meta page counts {keyCount} keys, but the directory holds {entries}.";
            return null;
        }

        private static string CheckEntry(BoundedSpace space, long entry, Step path, long transactionId)
        {
            ulong hash = KeyEntry.HashAt(space, entry);
            if ((hash & path.Mask) != path.Bits) return $"The entry at offset {entry} sits where its hash does not lead.";
            return CheckBorn(KeyEntry.BornAt(space, entry), entry, transactionId);
        }

        private static string CheckBorn(long born, long node, long transactionId)
            => born <= 0 || born > transactionId ? $"The node at offset {node} claims to be written by transaction {born}, outside 1..{transactionId}." : null;
    }
}

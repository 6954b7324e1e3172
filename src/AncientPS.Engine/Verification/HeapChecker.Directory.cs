using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    internal sealed unsafe partial class HeapChecker
    {
        private struct DirectoryStep
        {
            public long Node;
            public int Depth;
            public ulong Mask;   // the hash bits the path to this node fixes
            public ulong Bits;   // their values
        }

        /// <summary>Walks the key directory from the root; returns the offsets of the entries it holds, each once.</summary>
        private List<long> CheckDirectory()
        {
            var entries = new List<long>();
            if (_meta.DirectoryRoot == 0) return entries;
            var visited = new HashSet<long>();
            var stack = new Stack<DirectoryStep>();
            stack.Push(new DirectoryStep { Node = (long)_meta.DirectoryRoot });
            while (stack.Count > 0)
            {
                _cancel.ThrowIfCancellationRequested();
                var step = stack.Pop();
                long node = step.Node;
                if (node == 0 || (node & 7) != 0)
                {
                    Add(HeapArea.Directory, node, null, $"The key directory refers to the invalid offset {node}.");
                    continue;
                }
                byte* p = Data(node, 8, HeapArea.Directory, null, "A key directory node");
                if (p == null) continue;
                if (!visited.Add(node))
                {
                    Add(HeapArea.Directory, node, null, "The key directory reaches this node twice (a cycle or a shared child); each node must have one parent.");
                    continue;
                }
                switch (p[0])
                {
                    case HeapLayout.KindEntry:
                        if (step.Depth > 0 && !EntryFitsPath(node, step)) break;
                        entries.Add(node);
                        break;
                    case HeapLayout.KindBranch:
                        CheckBranch(node, step, stack);
                        break;
                    case HeapLayout.KindCollision:
                        CheckCollision(node, step, visited, entries);
                        break;
                    default:
                        Add(HeapArea.Directory, node, null, $"The key directory refers to a node of unknown kind 0x{p[0]:X2}.");
                        break;
                }
            }
            return entries;
        }

        private void CheckBranch(long node, DirectoryStep step, Stack<DirectoryStep> stack)
        {
            if (step.Depth >= KeyDirectory.MaxDepth)
            {
                Add(HeapArea.Directory, node, null, $"A branch at depth {step.Depth} is deeper than any valid directory ({KeyDirectory.MaxDepth} levels cover the 64-bit hash).");
                return;
            }
            byte* h = Data(node, BranchNode.HeaderSize, HeapArea.Directory, null, "A branch node");
            if (h == null) return;
            uint bitmap = BranchNode.BitmapOf(h);
            long born = BranchNode.BornOf(h);
            int n = BranchNode.PopCount(bitmap);
            if (h[BranchNode.ReservedField] != 0 || h[BranchNode.ReservedField + 1] != 0 || h[BranchNode.ReservedField + 2] != 0) Add(HeapArea.Directory, node, null, "A branch node has nonzero reserved bytes.");
            if (n == 0) { Add(HeapArea.Directory, node, null, "A branch node has no children."); return; }
            if (born <= 0 || born > _meta.TransactionId)
                Add(HeapArea.Directory, node, null, $"A branch node claims to be written by transaction {born}, outside 1..{_meta.TransactionId}.");
            long size = BranchNode.SizeFor(n);
            byte* c = Data(node, size, HeapArea.Directory, null, "A branch node");
            if (c == null) return;
            AddLive(node, HeapLayout.NodeClass(size), HeapArea.Directory, null, "a branch node");
            int shift = step.Depth * KeyDirectory.BitsPerLevel;
            int pos = n;
            for (int index = 31; index >= 0; index--)
            {
                if ((bitmap & (1u << index)) == 0) continue;
                long child = BranchNode.Children(c)[--pos];
                ulong mask = step.Mask, bits = step.Bits;
                if (shift < 64)
                {
                    ulong levelMask = 31UL << shift;
                    ulong levelBits = (ulong)index << shift;
                    if (shift + KeyDirectory.BitsPerLevel > 64 && (index >> (64 - shift)) != 0)
                    {
                        Add(HeapArea.Directory, node, null, $"A branch node at depth {step.Depth} has child index {index}, which no 64-bit hash can reach.");
                        continue;
                    }
                    mask |= levelMask;
                    bits |= levelBits;
                }
                stack.Push(new DirectoryStep { Node = child, Depth = step.Depth + 1, Mask = mask, Bits = bits });
            }
            Report(HeapLayout.NodeClass(size));
        }

        private void CheckCollision(long node, DirectoryStep step, HashSet<long> visited, List<long> entries)
        {
            byte* h = Data(node, CollisionNode.HeaderSize, HeapArea.Directory, null, "A collision node");
            if (h == null) return;
            long count = CollisionNode.CountOf(h);
            if (count < 2) Add(HeapArea.Directory, node, null, $"A collision node holds {count} entries; it needs at least two.");
            long size = CollisionNode.SizeFor(count);
            byte* c = Data(node, size, HeapArea.Directory, null, "A collision node");
            if (c == null) return;
            AddLive(node, HeapLayout.NodeClass(size), HeapArea.Directory, null, "a collision node");
            ulong? hash = null;
            for (long i = 0; i < count; i++)
            {
                long e = CollisionNode.Entries(c)[i];
                byte* p = (e & 7) == 0 ? Data(e, KeyEntry.FixedSize, HeapArea.Directory, null, "A collision member") : null;
                if (p == null) { if ((e & 7) != 0) Add(HeapArea.Directory, node, null, $"A collision node refers to the invalid offset {e}."); continue; }
                if (p[0] != HeapLayout.KindEntry) { Add(HeapArea.Directory, e, null, $"A collision node refers to a node of kind 0x{p[0]:X2} instead of a key entry."); continue; }
                if (!visited.Add(e)) { Add(HeapArea.Directory, e, null, "The key directory reaches this entry twice."); continue; }
                ulong eh = KeyEntry.HashOf(p);
                if (hash == null) hash = eh;
                else if (hash.Value != eh) { Add(HeapArea.Directory, e, null, "A collision node holds entries whose hashes differ; only entries of equal hashes collide."); continue; }
                if (!EntryFitsPath(e, step)) continue;
                entries.Add(e);
            }
        }

        private bool EntryFitsPath(long entry, DirectoryStep step)
        {
            byte* p = Data(entry, KeyEntry.FixedSize, HeapArea.Directory, null, "A key entry");
            if (p == null) return false;
            ulong hash = KeyEntry.HashOf(p);
            if ((hash & step.Mask) == step.Bits) return true;
            Add(HeapArea.Directory, entry, null, "A key entry sits where its hash does not lead; lookups of its key would not find it.");
            return false;
        }
    }
}

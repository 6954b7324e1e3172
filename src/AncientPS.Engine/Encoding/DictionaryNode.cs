using System;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A dictionary node (kind 0x52, docs/format-values.md "Dictionaries"): kind, flags, entry count, index capacity, the
    /// type name's offset, then per entry a key tag and a value tag, per entry a key payload and a value payload, and the
    /// open-addressing index. The writer, the view and the verifier all take the layout from here.
    /// An instance is a node opened for reading, its header checked.
    /// </summary>
    internal readonly unsafe struct DictionaryNode
    {
        public const byte Kind = NodeTags.Dictionary;
        public const int FlagsAt = 1;
        public const int CountAt = 4;
        public const int CapacityAt = 8;
        public const int NameAt = 16;
        public const int HeaderSize = 24;
        /// <summary>Flag bit 0: string keys compare ignoring case.</summary>
        public const byte IgnoreCaseFlag = 1;
        /// <summary>Flag bit 6 (format 1.3): the dictionary is referred to more than once in its value (as a record's <see cref="RecordNode.SharedBit"/>).</summary>
        public const byte SharedFlag = 0x40;
        /// <summary>
        /// Flag bit 5 (format 1.4): a dictionary inside a .NET object stored by its properties, which reads back as
        /// Import-Clixml's copy of it, a Hashtable; its name holds the original's type names (<see cref="DeserializedNames"/>).
        /// </summary>
        public const byte DeserializedFlag = 0x20;

        /// <summary>Bytes of one index slot: a UInt32 hash and a UInt32 entry number + 1 (0 marks an empty slot).</summary>
        public const int IndexSlotSize = 8;

        private DictionaryNode(int count, int capacity, bool ignoreCase, long nameOffset, byte* tags, ulong* payloads, uint* index, bool isShared, bool isDeserialized)
        {
            IsShared = isShared;
            IsDeserialized = isDeserialized;
            Count = count;
            Capacity = capacity;
            IgnoresCase = ignoreCase;
            NameOffset = nameOffset;
            Tags = tags;
            Payloads = payloads;
            Index = index;
        }

        public int Count { get; }
        public int Capacity { get; }
        public bool IgnoresCase { get; }
        /// <summary>The node is marked <see cref="SharedFlag"/>.</summary>
        public bool IsShared { get; }
        /// <summary>The node is marked <see cref="DeserializedFlag"/>: its name is the original's type names.</summary>
        public bool IsDeserialized { get; }
        public long NameOffset { get; }
        /// <summary>2 * Count tags: entry i's key at 2i, its value at 2i + 1.</summary>
        public byte* Tags { get; }
        /// <summary>2 * Count payloads, in the order of <see cref="Tags"/>.</summary>
        public ulong* Payloads { get; }
        /// <summary>Capacity slots of (hash, entry number + 1), as UInt32 pairs.</summary>
        public uint* Index { get; }

        public static long PayloadsAt(int count) => HeaderSize + NodeTags.Align8(2L * count);

        public static long IndexAt(int count) => PayloadsAt(count) + 16L * count;

        public static long Size(int count, int capacity) => IndexAt(count) + (long)IndexSlotSize * capacity;

        /// <summary>A power of two at least 1.5 times the count, so the load stays between 1/3 and 2/3.</summary>
        public static int IndexCapacity(int count)
        {
            if (count == 0) return 0;
            long want = count + (long)count / 2 + 1;
            long capacity = 1;
            while (capacity < want) capacity <<= 1;
            if (capacity > int.MaxValue) throw new AncientUnsupportedTypeException($"A dictionary of {count} entries is too large to index.", null);
            return (int)capacity;
        }

        /// <summary>Allocates and writes the header; the caller fills the slots, then calls <see cref="BuildIndex"/> with their hashes.</summary>
        public static DictionaryNode Write(INodeSink sink, bool ignoreCase, int count, long nameOffset, out long offset, bool deserialized = false)
        {
            int capacity = IndexCapacity(count);
            byte* p = sink.Allocate(Size(count, capacity), out offset);
            p[0] = Kind;
            p[FlagsAt] = (byte)((ignoreCase ? IgnoreCaseFlag : 0) | (deserialized ? DeserializedFlag : 0));
            *(uint*)(p + CountAt) = (uint)count;
            *(uint*)(p + CapacityAt) = (uint)capacity;
            *(long*)(p + NameAt) = nameOffset;
            return new DictionaryNode(count, capacity, ignoreCase, nameOffset, p + HeaderSize, (ulong*)(p + PayloadsAt(count)), (uint*)(p + IndexAt(count)), false, deserialized);
        }

        /// <summary>Fills the index of a node just written: entry i under <paramref name="hashes"/>[i], linear probing.</summary>
        public void BuildIndex(uint[] hashes)
        {
            Debug.Assert(hashes.Length == Count, "one hash per entry");
            Debug.Assert(Capacity > Count && (Capacity & (Capacity - 1)) == 0, "the index is a power of two with an empty slot, so probing ends");
            uint mask = (uint)Capacity - 1;
            uint* index = Index;
            for (int i = 0; i < hashes.Length; i++)
            {
                uint pos = hashes[i] & mask;
                while (index[2 * pos + 1] != 0) pos = (pos + 1) & mask;
                index[2 * pos] = hashes[i];
                index[2 * pos + 1] = (uint)i + 1;
            }
        }

        /// <summary>The stored hash of every entry, read from the index (entry i's at [i]).</summary>
        public uint[] EntryHashes()
        {
            var hashes = new uint[Count];
            for (long i = 0; i < Capacity; i++)
            {
                uint entry = Index[2 * i + 1];
                if (entry == 0) continue;
                if (entry > (uint)Count) throw Corrupt.Node(0, $"indexes the entry {entry} of {Count}");
                hashes[entry - 1] = Index[2 * i];
            }
            return hashes;
        }

        /// <summary>
        /// Writes a copy of <paramref name="source"/> for an update: every entry but <paramref name="removeEntry"/> (-1 keeps
        /// all), in order, then <paramref name="extra"/> empty entries for the caller to fill. Returns the new node; the
        /// caller fills the extra entries and their <paramref name="hashes"/>, then calls <see cref="BuildIndex"/>. A copy
        /// of the same entries with an index of the same capacity copies the index too, and needs no BuildIndex.
        /// </summary>
        public static DictionaryNode WriteCopy(INodeSink sink, DictionaryNode source, int removeEntry, int extra, out long offset, out uint[] hashes, out bool indexed)
        {
            int count = source.Count - (removeEntry >= 0 ? 1 : 0) + extra;
            var copy = Write(sink, source.IgnoresCase, count, source.NameOffset, out offset, source.IsDeserialized);
            indexed = removeEntry < 0 && extra == 0 && copy.Capacity == source.Capacity;
            if (indexed)
            {
                hashes = null;
                Buffer.MemoryCopy(source.Tags, copy.Tags, 2L * count, 2L * count);
                Buffer.MemoryCopy(source.Payloads, copy.Payloads, 16L * count, 16L * count);
                Buffer.MemoryCopy(source.Index, copy.Index, (long)IndexSlotSize * copy.Capacity, (long)IndexSlotSize * copy.Capacity);
                return copy;
            }
            var old = source.EntryHashes();
            hashes = new uint[count];
            int w = 0;
            for (int i = 0; i < source.Count; i++)
            {
                if (i == removeEntry) continue;
                copy.Tags[2 * w] = source.Tags[2 * i];
                copy.Tags[2 * w + 1] = source.Tags[2 * i + 1];
                copy.Payloads[2 * w] = source.Payloads[2 * i];
                copy.Payloads[2 * w + 1] = source.Payloads[2 * i + 1];
                hashes[w] = old[i];
                w++;
            }
            return copy;
        }

        public static DictionaryNode Open(NodeContext context, long offset)
        {
            byte* h = context.Node(offset, HeaderSize, Kind);
            byte flags = (byte)(h[FlagsAt] & ~(SharedFlag | DeserializedFlag));
            if (flags > IgnoreCaseFlag) throw Corrupt.Node(offset, $"has unknown dictionary flags 0x{h[FlagsAt]:X2}");
            uint count = *(uint*)(h + CountAt);
            uint capacity = *(uint*)(h + CapacityAt);
            if (count > int.MaxValue || capacity > int.MaxValue || (capacity & (capacity - 1)) != 0 || capacity < count || (count > 0 && capacity == 0))
                throw Corrupt.Node(offset, $"claims {count} entries in an index of {capacity}");
            int n = (int)count;
            long nameOffset = *(long*)(h + NameAt);
            byte* p = context.Space.Pointer(offset, Size(n, (int)capacity));
            return new DictionaryNode(n, (int)capacity, flags == IgnoreCaseFlag, nameOffset, p + HeaderSize, (ulong*)(p + PayloadsAt(n)), (uint*)(p + IndexAt(n)),
                (h[FlagsAt] & SharedFlag) != 0, (h[FlagsAt] & DeserializedFlag) != 0);
        }
    }
}

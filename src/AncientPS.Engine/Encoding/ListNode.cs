using System;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A list node of slots (kind 0x50, docs/format-values.md "List"): kind, flags, collection code, count, the name's
    /// offset when the code is <see cref="CollectionCodes.Named"/>, then the run of tags and the payloads. In the classic
    /// layout the tags are padded to 8 and each payload is 8 bytes; a narrow list (<see cref="NarrowFlag"/>, format 1.2)
    /// has payloads of 1, 2, 4 or 8 bytes (flag bits 0-1, log2), right after the tags at a multiple of their width.
    /// An instance is a node opened for reading (its header checked) or allocated for writing; its slots are read and
    /// written through <see cref="Tag"/>, <see cref="Payload"/> and <see cref="Put"/>, which alone know the layout.
    /// </summary>
    internal readonly unsafe struct ListNode
    {
        public const byte Kind = NodeTags.List;
        public const int FlagsAt = 1;
        public const int CodeAt = 2;
        public const int CountAt = 4;
        public const int NameAt = 8;
        public const int HeaderSize = 8;
        public const int NamedHeaderSize = 16;
        /// <summary>Flag bit 2: payloads of 1 &lt;&lt; (flags &amp; 3) bytes right after the tags (format 1.2).</summary>
        public const byte NarrowFlag = 4;
        /// <summary>Flag bit 6 (format 1.3): the list is referred to more than once in its value (as a record's <see cref="RecordNode.SharedBit"/>).</summary>
        public const byte SharedFlag = 0x40;
        /// <summary>
        /// Flag bit 5 (format 1.4): a list inside a .NET object stored by its properties, which reads back as Import-Clixml's
        /// copy of it, an ArrayList; the code is <see cref="CollectionCodes.Named"/> and the name holds the original's type
        /// names (<see cref="DeserializedNames"/>).
        /// </summary>
        public const byte DeserializedFlag = 0x20;
        private const byte WidthMask = 3;

        private ListNode(int count, ushort code, long nameOffset, byte* tags, byte* payloads, byte widthLog, bool isShared, bool isDeserialized)
        {
            IsShared = isShared;
            IsDeserialized = isDeserialized;
            Count = count;
            Code = code;
            NameOffset = nameOffset;
            Tags = tags;
            PayloadBytes = payloads;
            WidthLog = widthLog;
        }

        public int Count { get; }
        public ushort Code { get; }
        /// <summary>The node is marked <see cref="SharedFlag"/>.</summary>
        public bool IsShared { get; }
        /// <summary>The node is marked <see cref="DeserializedFlag"/>: its name is the original's type names.</summary>
        public bool IsDeserialized { get; }
        /// <summary>The type name's string node, for a named collection; 0 otherwise.</summary>
        public long NameOffset { get; }
        public byte* Tags { get; }
        /// <summary>The first payload; payloads are 1 &lt;&lt; <see cref="WidthLog"/> bytes each.</summary>
        public byte* PayloadBytes { get; }
        public byte WidthLog { get; }
        /// <summary>The payloads of a classic list (8 bytes each), which a write fills slot by slot.</summary>
        public ulong* Payloads => (ulong*)PayloadBytes;

        public byte Tag(int index) => Tags[index];

        public ulong Payload(int index)
        {
            switch (WidthLog)
            {
                case 3: return ((ulong*)PayloadBytes)[index];
                case 2: return ((uint*)PayloadBytes)[index];
                case 1: return ((ushort*)PayloadBytes)[index];
                default: return PayloadBytes[index];
            }
        }

        /// <summary>Writes slot <paramref name="index"/>; the payload must fit the list's width.</summary>
        public void Put(int index, byte tag, ulong payload)
        {
            Debug.Assert(RecordLayout.WidthLogOf(payload) <= WidthLog, "the payload fits the list's width");
            Tags[index] = tag;
            switch (WidthLog)
            {
                case 3: ((ulong*)PayloadBytes)[index] = payload; break;
                case 2: ((uint*)PayloadBytes)[index] = (uint)payload; break;
                case 1: ((ushort*)PayloadBytes)[index] = (ushort)payload; break;
                default: PayloadBytes[index] = (byte)payload; break;
            }
        }

        public static int HeaderSizeOf(ushort code) => code == CollectionCodes.Named ? NamedHeaderSize : HeaderSize;

        public static long Size(ushort code, int count) => HeaderSizeOf(code) + NodeTags.Align8(count) + 8L * count;

        /// <summary>Where the payloads start, from the node's start.</summary>
        private static long PayloadsAt(int header, long count, bool narrow, int widthLog)
        {
            if (!narrow) return header + NodeTags.Align8(count);
            long width = 1L << widthLog;
            return (header + count + width - 1) & ~(width - 1);
        }

        private static long SizeOf(int header, long count, bool narrow, int widthLog) => PayloadsAt(header, count, narrow, widthLog) + (count << (narrow ? widthLog : 3));

        /// <summary>Allocates and writes the header of a classic list; the caller fills the <paramref name="count"/> slots through the returned node.</summary>
        public static ListNode Write(INodeSink sink, ushort code, long nameOffset, int count, out long offset, bool deserialized = false)
            => Write(sink, code, nameOffset, count, false, 3, deserialized, out offset);

        /// <summary>Allocates and writes the header of a narrow list of payloads 1 &lt;&lt; <paramref name="widthLog"/> bytes wide.</summary>
        public static ListNode WriteNarrow(INodeSink sink, ushort code, long nameOffset, int count, byte widthLog, out long offset, bool deserialized = false)
            => Write(sink, code, nameOffset, count, true, widthLog, deserialized, out offset);

        private static ListNode Write(INodeSink sink, ushort code, long nameOffset, int count, bool narrow, byte widthLog, bool deserialized, out long offset)
        {
            Debug.Assert(count >= 0 && widthLog <= 3);
            Debug.Assert((code == CollectionCodes.Named) == (nameOffset != 0), "a list names its type exactly when its code says so");
            Debug.Assert(!deserialized || code == CollectionCodes.Named, "a deserialized list names the original's types");
            int header = HeaderSizeOf(code);
            byte* p = sink.Allocate(SizeOf(header, count, narrow, widthLog), out offset);
            p[0] = Kind;
            p[FlagsAt] = (byte)((narrow ? NarrowFlag | widthLog : 0) | (deserialized ? DeserializedFlag : 0));
            *(ushort*)(p + CodeAt) = code;
            *(uint*)(p + CountAt) = (uint)count;
            if (code == CollectionCodes.Named) *(long*)(p + NameAt) = nameOffset;
            return new ListNode(count, code, nameOffset, p + header, p + PayloadsAt(header, count, narrow, widthLog), widthLog, false, deserialized);
        }

        /// <summary>The node's size in bytes, as laid out (classic or narrow).</summary>
        public long NodeSize => SizeOf(HeaderSizeOf(Code), Count, WidthLog != 3, WidthLog);

        /// <summary>
        /// Writes a copy of <paramref name="source"/> (header, name and every slot) in the classic layout, for an update
        /// that then changes one slot: any new element fits an 8-byte payload, whatever the source's width.
        /// </summary>
        public static ListNode WriteCopy(INodeSink sink, ListNode source, out long offset)
        {
            var copy = Write(sink, source.Code, source.NameOffset, source.Count, out offset, source.IsDeserialized);
            Buffer.MemoryCopy(source.Tags, copy.Tags, source.Count, source.Count);
            if (source.WidthLog == 3) Buffer.MemoryCopy(source.PayloadBytes, copy.PayloadBytes, 8L * source.Count, 8L * source.Count);
            else for (int i = 0; i < source.Count; i++) copy.Payloads[i] = source.Payload(i);
            return copy;
        }

        public static ListNode Open(NodeContext context, long offset)
        {
            byte* h = context.Node(offset, HeaderSize, Kind);
            uint count = *(uint*)(h + CountAt);
            if (count > int.MaxValue) throw Corrupt.Node(offset, $"claims {count} elements");
            ushort code = *(ushort*)(h + CodeAt);
            byte flags = (byte)(h[FlagsAt] & ~(SharedFlag | DeserializedFlag));
            if (flags != 0 && (flags & ~WidthMask) != NarrowFlag) throw Corrupt.Node(offset, $"has unknown list flags 0x{h[FlagsAt]:X2}");
            if (code != CollectionCodes.Named && CollectionCodes.NameOf(code) == null) throw Corrupt.Node(offset, $"has the unknown collection code {code}");
            bool deserialized = (h[FlagsAt] & DeserializedFlag) != 0;
            if (deserialized && code != CollectionCodes.Named) throw Corrupt.Node(offset, $"is marked as deserialized (flags 0x{h[FlagsAt]:X2}) without naming its types");
            bool narrow = flags != 0;
            byte widthLog = narrow ? (byte)(flags & WidthMask) : (byte)3;
            int header = HeaderSizeOf(code);
            byte* p = context.Space.Pointer(offset, SizeOf(header, count, narrow, widthLog));
            long name = header == NamedHeaderSize ? *(long*)(p + NameAt) : 0;
            return new ListNode((int)count, code, name, p + header, p + PayloadsAt(header, count, narrow, widthLog), widthLog, (h[FlagsAt] & SharedFlag) != 0, deserialized);
        }
    }
}

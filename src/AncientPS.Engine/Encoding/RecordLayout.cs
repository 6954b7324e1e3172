using System;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Where each slot of a record lies in its record node (docs/format-values.md "Records"): the byte position of its tag
    /// (or the tag itself, when the shape fixes it for every record of the shape) and of its payload, and the payload's
    /// width. A shape of format 1.2 (<see cref="ShapeNode.LayoutFlag"/>) gives each slot a width of 1, 2, 4 or 8 bytes and
    /// either a fixed tag or a tag byte in the record; an older shape has the classic layout (every tag, padded, then
    /// 8-byte payloads). Every reader and writer of record slots goes through this type.
    /// </summary>
    internal sealed unsafe class RecordLayout
    {
        /// <summary>The layout byte that says the record holds the slot's tag.</summary>
        public const byte VariableTag = 0xFF;
        /// <summary>What a writer puts in a tag byte it has yet to fill (never a valid tag).</summary>
        public const byte PendingTag = 0xFF;

        private readonly int[] _payloadAt;
        private readonly int[] _tagAt; // the tag's byte position, or -1 when the tag is fixed
        private readonly byte[] _widthLog;
        private readonly byte[] _fixedTag;

        private RecordLayout(int[] payloadAt, int[] tagAt, byte[] widthLog, byte[] fixedTag, long size, bool classic)
        {
            _payloadAt = payloadAt;
            _tagAt = tagAt;
            _widthLog = widthLog;
            _fixedTag = fixedTag;
            Size = size;
            IsClassic = classic;
        }

        public int SlotCount => _payloadAt.Length;

        /// <summary>The record node's size in bytes, before rounding up to 8.</summary>
        public long Size { get; }

        /// <summary>True for the layout of a shape without <see cref="ShapeNode.LayoutFlag"/> (format 1.0 and 1.1).</summary>
        public bool IsClassic { get; }

        public int PayloadAt(int slot) => _payloadAt[slot];

        /// <summary>The byte position of the slot's tag in the record, or -1 when the shape fixes it.</summary>
        public int TagAt(int slot) => _tagAt[slot];

        public int Width(int slot) => 1 << _widthLog[slot];

        public byte WidthLog(int slot) => _widthLog[slot];

        /// <summary>The tag every record of the shape has in this slot, or <see cref="VariableTag"/>.</summary>
        public byte FixedTag(int slot) => _fixedTag[slot];

        /// <summary>The classic layout: a run of n tags padded to 8, then n 8-byte payloads.</summary>
        public static RecordLayout Classic(int slots)
        {
            var payloadAt = new int[slots];
            var tagAt = new int[slots];
            var widthLog = new byte[slots];
            var fixedTag = new byte[slots];
            long tags = NodeTags.Align8(slots);
            for (int i = 0; i < slots; i++)
            {
                tagAt[i] = RecordNode.HeaderSize + i;
                payloadAt[i] = checked((int)(RecordNode.HeaderSize + tags + 8L * i));
                widthLog[i] = 3;
                fixedTag[i] = VariableTag;
            }
            return new RecordLayout(payloadAt, tagAt, widthLog, fixedTag, RecordNode.HeaderSize + tags + 8L * slots, true);
        }

        /// <summary>
        /// The layout of format 1.2 from each slot's width (log2, 0..3) and fixed tag (or <see cref="VariableTag"/>): after the
        /// 8-byte header the payloads, the 8-byte ones first, then the 4-, 2- and 1-byte ones (each in slot order, so each
        /// lies at a multiple of its width), then the tag bytes of the slots without a fixed tag, in slot order.
        /// </summary>
        public static RecordLayout Compact(byte[] widthLog, byte[] fixedTag)
        {
            Debug.Assert(widthLog.Length == fixedTag.Length);
            int n = widthLog.Length;
            var payloadAt = new int[n];
            var tagAt = new int[n];
            long at = RecordNode.HeaderSize;
            for (int log = 3; log >= 0; log--)
                for (int i = 0; i < n; i++)
                    if (widthLog[i] == log)
                    {
                        payloadAt[i] = checked((int)at);
                        at += 1 << log;
                    }
            for (int i = 0; i < n; i++)
            {
                if (widthLog[i] > 3) throw new ArgumentOutOfRangeException(nameof(widthLog));
                if (fixedTag[i] != VariableTag) tagAt[i] = -1;
                else tagAt[i] = checked((int)at++);
            }
            return new RecordLayout(payloadAt, tagAt, (byte[])widthLog.Clone(), (byte[])fixedTag.Clone(), at, false);
        }

        public byte Tag(byte* node, int slot)
        {
            int at = _tagAt[slot];
            return at < 0 ? _fixedTag[slot] : node[at];
        }

        public ulong Payload(byte* node, int slot)
        {
            byte* p = node + _payloadAt[slot];
            switch (_widthLog[slot])
            {
                case 3: return *(ulong*)p;
                case 2: return *(uint*)p;
                case 1: return *(ushort*)p;
                default: return *p;
            }
        }

        /// <summary>Writes a slot's tag (unless fixed) and payload; the payload must fit the slot's width.</summary>
        public void Put(byte* node, int slot, byte tag, ulong payload)
        {
            Debug.Assert(_tagAt[slot] >= 0 ? true : _fixedTag[slot] == tag, "a fixed tag is the slot's tag");
            Debug.Assert(WidthLogOf(payload) <= _widthLog[slot], "the payload fits the slot");
            int at = _tagAt[slot];
            if (at >= 0) node[at] = tag;
            byte* p = node + _payloadAt[slot];
            switch (_widthLog[slot])
            {
                case 3: *(ulong*)p = payload; break;
                case 2: *(uint*)p = (uint)payload; break;
                case 1: *(ushort*)p = (ushort)payload; break;
                default: *p = (byte)payload; break;
            }
        }

        /// <summary>The smallest width (log2) that holds <paramref name="payload"/> zero-extended.</summary>
        public static byte WidthLogOf(ulong payload)
            => payload <= 0xFF ? (byte)0 : payload <= 0xFFFF ? (byte)1 : payload <= 0xFFFF_FFFF ? (byte)2 : (byte)3;
    }
}

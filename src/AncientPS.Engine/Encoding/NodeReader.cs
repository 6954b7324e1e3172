using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Numerics;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Reads encoded values back: scalars as .NET values, nodes as lazy views (docs/format-values.md).</summary>
    internal static class NodeReader
    {
        public static object Read(INodeSpace space, string key, byte tag, ulong payload, ValueProjection projection)
        {
            if (space == null) throw new ArgumentNullException(nameof(space));
            var context = new NodeContext(space, key, projection ?? ValueProjection.None);
            space.EnterRead();
            try { return context.ReadSlot(tag, payload, true); }
            finally { space.ExitRead(); }
        }
    }

    /// <summary>
    /// What every view read through one Get shares: the snapshot (which it keeps pinned), the projection, and caches
    /// of decoded record shapes and names keyed by node offset. Callers hold a read (EnterRead) around every method.
    /// </summary>
    internal sealed unsafe class NodeContext
    {
        private readonly Dictionary<long, RecordShape> _shapes = new Dictionary<long, RecordShape>();
        private readonly Dictionary<long, string> _names = new Dictionary<long, string>();
        private volatile RecordShape _lastShape;

        public NodeContext(INodeSpace space, string key, ValueProjection projection)
        {
            Space = space;
            Key = key;
            Projection = projection;
        }

        public INodeSpace Space { get; }
        public string Key { get; }
        public ValueProjection Projection { get; }

        public static long CheckOffset(ulong payload)
        {
            if (payload == 0 || (payload & 7) != 0 || payload > long.MaxValue) throw Corrupt.Offset(payload);
            return (long)payload;
        }

        /// <summary>A pointer to <paramref name="length"/> bytes of the node at <paramref name="offset"/>, whose kind must be <paramref name="kind"/>.</summary>
        public byte* Node(long offset, long length, byte kind)
        {
            byte* p = Space.Pointer(offset, length);
            if (p == null) throw Corrupt.Offset((ulong)offset);
            if (p[0] != kind) throw Corrupt.Kind(offset, kind, p[0]);
            return p;
        }

        public object ReadSlot(byte tag, ulong payload, bool project)
        {
            if (tag == NodeTags.Null) return null;
            if (tag <= NodeTags.SmallBigInteger) return ScalarCodec.DecodeInline(tag, payload);
            if (tag <= NodeTags.ShortStringLast)
            {
                if (tag < NodeTags.ShortString) throw Corrupt.Tag(tag);
                if (tag < NodeTags.ShortStringLast && (payload >> (8 * (tag - NodeTags.ShortString))) != 0) throw Corrupt.Value("a short string", payload);
                return StringCodec.UnpackShort(tag, payload);
            }
            switch (tag)
            {
                case NodeTags.ShortAscii:
                    if ((payload >> 63) != 0) throw Corrupt.Value("a short ASCII string", payload);
                    return StringCodec.UnpackShort(tag, payload);
                case NodeTags.String: return ReadString(CheckOffset(payload));
                case NodeTags.Decimal: return ReadDecimal(CheckOffset(payload));
                case NodeTags.BigInteger: return ReadBigInteger(CheckOffset(payload));
                case NodeTags.Guid: return ReadGuid(CheckOffset(payload));
                case NodeTags.DateTimeOffset: return ReadDateTimeOffset(CheckOffset(payload));
                case NodeTags.Version: return ReadVersion(CheckOffset(payload));
                case NodeTags.Uri: return ReadUri(CheckOffset(payload));
                case NodeTags.Enum: return ReadEnum(CheckOffset(payload));
                case NodeTags.List:
                case NodeTags.PackedList:
                {
                    var list = new AncientList(this, CheckOffset(payload), tag);
                    return project ? Projection.ProjectList(list) : list;
                }
                case NodeTags.Dictionary:
                {
                    var dictionary = new AncientDictionary(this, CheckOffset(payload));
                    return project ? Projection.ProjectDictionary(dictionary) : dictionary;
                }
                case NodeTags.Record:
                {
                    long offset = CheckOffset(payload);
                    return project ? Projection.ProjectRecord(new StoredRecord(this, offset)) : new AncientRecord(this, offset);
                }
            }
            throw Corrupt.Tag(tag);
        }

        /// <summary>The string a string slot holds; anything else is damage.</summary>
        public string ReadStringSlot(byte tag, ulong payload)
        {
            if (!NodeTags.IsString(tag)) throw Corrupt.Node(0, $"holds tag 0x{tag:X2} where a string was expected");
            return (string)ReadSlot(tag, payload, false);
        }

        public string ReadString(long offset)
        {
            byte* p = StringBytes(offset, out int length, out byte encoding);
            return StringCodec.Decode(p, length, encoding);
        }

        /// <summary>Locates the bytes of a string node after checking its header against the snapshot.</summary>
        public byte* StringBytes(long offset, out int length, out byte encoding)
        {
            byte* h = Node(offset, 4, NodeTags.String);
            encoding = h[1];
            if (encoding > StringCodec.Utf16) throw Corrupt.Node(offset, $"has the unknown string encoding {encoding}");
            long n = *(ushort*)(h + 2);
            int header = 4;
            if (n == 0xFFFF)
            {
                h = Space.Pointer(offset, 8);
                n = *(uint*)(h + 4);
                header = 8;
                if (n > int.MaxValue) throw Corrupt.Node(offset, $"claims a string of {n} bytes");
            }
            if (encoding == StringCodec.Utf16 && (n & 1) != 0) throw Corrupt.Node(offset, "holds UTF-16 of an odd byte count");
            byte* p = Space.Pointer(offset, header + n);
            length = (int)n;
            return p + header;
        }

        /// <summary>A type or property name: a string node, decoded once per context.</summary>
        public string ReadName(long offset)
        {
            lock (_names)
            {
                if (_names.TryGetValue(offset, out var s)) return s;
            }
            string name = ReadString(CheckOffset((ulong)offset));
            lock (_names) _names[offset] = name;
            return name;
        }

        public RecordShape GetShape(long offset)
        {
            var last = _lastShape;
            if (last != null && last.Offset == offset) return last;
            RecordShape shape;
            lock (_shapes)
            {
                if (!_shapes.TryGetValue(offset, out shape))
                {
                    shape = DecodeShape(offset);
                    _shapes[offset] = shape;
                }
            }
            _lastShape = shape;
            return shape;
        }

        private RecordShape DecodeShape(long offset)
        {
            CheckOffset((ulong)offset);
            byte* h = Node(offset, 16, NodeTags.Shape);
            if (h[1] > 1) throw Corrupt.Node(offset, $"has unknown shape flags 0x{h[1]:X2}");
            uint n = *(uint*)(h + 4);
            uint t = *(uint*)(h + 8);
            if (n > int.MaxValue || t > int.MaxValue) throw Corrupt.Node(offset, "claims an impossible property count");
            byte* p = Space.Pointer(offset, 16 + 8L * ((long)n + t));
            var typeNames = new string[t];
            var names = new string[n];
            for (int i = 0; i < t; i++) typeNames[i] = ReadName(*(long*)(p + 16 + 8L * i));
            for (int i = 0; i < n; i++) names[i] = ReadName(*(long*)(p + 16 + 8L * (t + i)));
            return new RecordShape(this, offset, typeNames, names, (h[1] & 1) != 0);
        }

        private decimal ReadDecimal(long offset)
        {
            byte* p = Node(offset, 24, NodeTags.Decimal);
            int lo = *(int*)(p + 8), mid = *(int*)(p + 12), hi = *(int*)(p + 16), flags = *(int*)(p + 20);
            int scale = (flags >> 16) & 0xFF;
            if ((flags & 0x7F00FFFF) != 0 || scale > 28) throw Corrupt.Node(offset, "holds an invalid decimal");
            return new decimal(lo, mid, hi, flags < 0, (byte)scale);
        }

        private BigInteger ReadBigInteger(long offset)
        {
            byte* h = Node(offset, 8, NodeTags.BigInteger);
            uint n = *(uint*)(h + 4);
            if (n > int.MaxValue) throw Corrupt.Node(offset, $"claims a BigInteger of {n} bytes");
            byte* p = Space.Pointer(offset, 8L + n);
            var bytes = new byte[n];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = p[8 + i];
            return bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes);
        }

        private Guid ReadGuid(long offset)
        {
            byte* p = Node(offset, 24, NodeTags.Guid);
            var bytes = new byte[16];
            for (int i = 0; i < 16; i++) bytes[i] = p[8 + i];
            return new Guid(bytes);
        }

        private DateTimeOffset ReadDateTimeOffset(long offset)
        {
            byte* p = Node(offset, 16, NodeTags.DateTimeOffset);
            short minutes = *(short*)(p + 2);
            long ticks = *(long*)(p + 8);
            long utc = ticks - minutes * TimeSpan.TicksPerMinute;
            if (minutes < -840 || minutes > 840 || ticks < 0 || ticks > DateTime.MaxValue.Ticks || utc < 0 || utc > DateTime.MaxValue.Ticks)
                throw Corrupt.Node(offset, "holds an invalid DateTimeOffset");
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        }

        private Version ReadVersion(long offset)
        {
            byte* p = Node(offset, 24, NodeTags.Version);
            int major = *(int*)(p + 8), minor = *(int*)(p + 12), build = *(int*)(p + 16), revision = *(int*)(p + 20);
            if (major < 0 || minor < 0 || build < -1 || revision < -1 || (build == -1 && revision != -1))
                throw Corrupt.Node(offset, "holds an invalid Version");
            if (build == -1) return new Version(major, minor);
            if (revision == -1) return new Version(major, minor, build);
            return new Version(major, minor, build, revision);
        }

        private Uri ReadUri(long offset)
        {
            byte* p = Node(offset, 16, NodeTags.Uri);
            byte kind = p[1];
            if (kind != (byte)UriKind.Absolute && kind != (byte)UriKind.Relative) throw Corrupt.Node(offset, $"holds the unknown UriKind {kind}");
            string text = ReadStringSlot(p[2], *(ulong*)(p + 8));
            try { return new Uri(text, (UriKind)kind); }
            catch (UriFormatException e) { throw new AncientHeapCorruptException($"The heap is damaged: the Uri at offset {offset} does not parse.", e); }
        }

        private object ReadEnum(long offset)
        {
            byte* p = Node(offset, 24, NodeTags.Enum);
            byte underlying = p[1];
            if (underlying < NodeTags.Boolean || underlying > NodeTags.UInt64) throw Corrupt.Node(offset, $"holds an enum of the unknown underlying tag 0x{underlying:X2}");
            ulong bits = *(ulong*)(p + 8);
            object number = ScalarCodec.DecodeInline(underlying, bits);
            string typeName = ReadName(*(long*)(p + 16));
            if (AncientEnumTypes.TryGet(typeName, out var type) && NodeTags.OfPrimitive(Enum.GetUnderlyingType(type)) == underlying)
                return Enum.ToObject(type, number);
            return number;
        }

        /// <summary>Reads an enum key's type name and bits without loading its type (for dictionary lookups).</summary>
        public bool TryReadEnumKey(long offset, out string typeName, out ulong bits)
        {
            byte* p = Node(offset, 24, NodeTags.Enum);
            bits = *(ulong*)(p + 8);
            typeName = ReadName(*(long*)(p + 16));
            return true;
        }
    }

    /// <summary>A record shape as decoded once per read context: names as .NET strings and a case-insensitive name index.</summary>
    internal sealed class RecordShape
    {
        private readonly Dictionary<string, int> _index;

        public RecordShape(NodeContext context, long offset, string[] typeNames, string[] names, bool isPropertyBag)
        {
            Context = context;
            Offset = offset;
            TypeNames = typeNames;
            Names = names;
            IsPropertyBag = isPropertyBag;
            TypeNamesView = new ReadOnlyCollection<string>(typeNames);
            NamesView = new ReadOnlyCollection<string>(names);
            _index = new Dictionary<string, int>(names.Length, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Length; i++)
                if (!_index.ContainsKey(names[i])) _index.Add(names[i], i);
        }

        /// <summary>The read this shape was decoded for (shapes are decoded once per read context).</summary>
        public NodeContext Context { get; }
        public long Offset { get; }
        public string[] TypeNames { get; }
        public string[] Names { get; }
        public int Count => Names.Length;
        public bool IsPropertyBag { get; }
        public IReadOnlyList<string> TypeNamesView { get; }
        public IReadOnlyList<string> NamesView { get; }

        public int IndexOf(string name)
        {
            if (name == null) return -1;
            // A loop reading one property of many records asks with the same string instance each time.
            var hit = _hit;
            if (hit != null && ReferenceEquals(hit.Name, name)) return hit.Index;
            int index = Find(name);
            if (index >= 0) _hit = new Hit(name, index);
            return index;
        }

        private int Find(string name)
        {
            var names = Names;
            if (names.Length > 16) return _index.TryGetValue(name, out int found) ? found : -1;
            for (int i = 0; i < names.Length; i++)
                if (ReferenceEquals(names[i], name)) return i;
            for (int i = 0; i < names.Length; i++)
                if (names[i].Length == name.Length && string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }

        private sealed class Hit
        {
            public readonly string Name;
            public readonly int Index;
            public Hit(string name, int index) { Name = name; Index = index; }
        }

        private volatile Hit _hit;
    }
}

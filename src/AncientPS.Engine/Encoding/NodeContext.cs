using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
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

        // The host's objects for records referred to more than once (RecordNode.SharedBit), by offset: one per read.
        private System.Collections.Concurrent.ConcurrentDictionary<long, object> _shared;

        /// <summary>The host's object kept for the shared record at <paramref name="offset"/> in this read, or null.</summary>
        public object SharedProjection(long offset) => _shared != null && _shared.TryGetValue(offset, out var known) ? known : null;

        /// <summary>Keeps <paramref name="projected"/> for the shared record at <paramref name="offset"/>; returns the one kept (another thread's, if it came first).</summary>
        public object KeepSharedProjection(long offset, object projected)
        {
            if (_shared == null) System.Threading.Interlocked.CompareExchange(ref _shared, new System.Collections.Concurrent.ConcurrentDictionary<long, object>(), null);
            return _shared.GetOrAdd(offset, projected);
        }
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

        /// <summary>
        /// A slot as a copy into a heap takes it (the writer's copy of a stored list, dictionary or record; an update in
        /// place): as <see cref="ReadSlot"/> without projection, but an enum whose type is not allowed here is an
        /// <see cref="UnresolvedEnum"/>, not its number, so that copying keeps it.
        /// </summary>
        public object ReadSlotForCopy(byte tag, ulong payload)
            => tag == NodeTags.Enum ? EnumNode.ReadForCopy(this, CheckOffset(payload)) : ReadSlot(tag, payload, false);

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
                case NodeTags.String: return StringNode.Read(this, CheckOffset(payload));
                case NodeTags.List:
                case NodeTags.PackedList:
                {
                    var list = AncientList.Open(this, CheckOffset(payload), tag);
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
            // An enum whose type this process has not loaded: its stored text, for the host's projection.
            if (tag == NodeTags.Enum) return EnumNode.Read(this, CheckOffset(payload), project);
            var codec = ScalarNodes.ByTag(tag);
            if (codec != null) return codec.Read(this, CheckOffset(payload));
            throw Corrupt.Tag(tag);
        }

        /// <summary>The string a string slot holds; anything else is damage.</summary>
        public string ReadStringSlot(byte tag, ulong payload)
        {
            if (!NodeTags.IsString(tag)) throw Corrupt.Node(0, $"holds tag 0x{tag:X2} where a string was expected");
            return (string)ReadSlot(tag, payload, false);
        }

        /// <summary>A type or property name: a string node, decoded once per context.</summary>
        public string ReadName(long offset)
        {
            lock (_names)
            {
                if (_names.TryGetValue(offset, out var s)) return s;
            }
            string name = StringNode.Read(this, CheckOffset((ulong)offset));
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
                    shape = ShapeNode.Read(this, offset);
                    _shapes[offset] = shape;
                }
            }
            _lastShape = shape;
            return shape;
        }
    }
}

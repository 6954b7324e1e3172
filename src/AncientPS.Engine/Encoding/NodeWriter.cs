using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Encodes an object graph into heap nodes (docs/format-values.md).</summary>
    internal static class NodeWriter
    {
        public static EncodedValue Write(object value, INodeAllocator allocator, SetOptions options)
        {
            if (allocator == null) throw new ArgumentNullException(nameof(allocator));
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("AncientPS heaps are little-endian; this processor is big-endian.");
            options = options ?? new SetOptions();
            if (options.Depth < 0 || options.Depth > SetOptions.MaximumDepth)
                throw new ArgumentOutOfRangeException(nameof(options), options.Depth, $"Depth must be between 0 and {SetOptions.MaximumDepth}.");
            return new GraphWriter(allocator, options).WriteRoot(value);
        }
    }

    /// <summary>
    /// One write. Composite nodes are allocated before their children are encoded, so a back-reference can point at them;
    /// their children are filled from an explicit stack of frames, one slot at a time, so depth costs heap, never call stack.
    /// </summary>
    internal sealed unsafe class GraphWriter
    {
        private enum FrameKind : byte { Slots, Dictionary }

        private sealed class Frame
        {
            public FrameKind Kind;
            public byte* Tags;
            public ulong* Payloads;
            public int Count;
            public int Next;
            public IReadOnlyList<object> Items;
            public object[] Keys;
            public object[] Values;
            public int Level;
            public bool Lenient;
            public uint[] Hashes;
            public byte* Index;
            public int Capacity;
            public bool IgnoreCase;
            /// <summary>A record's property names (for paths); null for a list or dictionary.</summary>
            public IReadOnlyList<string> Names;
            /// <summary>Its values lie below an object stored as a record of its .NET properties.</summary>
            public bool Adapted;

            public void Clear()
            {
                Names = null;
                Items = null;
                Keys = null;
                Values = null;
                Hashes = null;
            }
        }

        private struct Slot
        {
            public byte Tag;
            public ulong Payload;
        }

        private readonly INodeAllocator _allocator;
        private readonly ObjectConverter _converter;
        private readonly CancellationToken _cancel;
        private readonly Action<long> _progress;
        private readonly Action<string, Type> _secretOmitted;
        private readonly int _depth;

        // The frame whose slot is being encoded lies below an adapted .NET object (set by Drain before each slot).
        private bool _adapted;

        private Dictionary<object, Slot> _memo = new Dictionary<object, Slot>(IdentityComparer.Instance);
        private bool _memoSized;

        // The identity map grows by doubling, and at 100,000 records its growth was half of what a write allocated (and
        // a write of 1,000,000 records cost more per record than one of 100,000). Once the first element of a long root
        // list is written, the map is sized for all of them at that rate (up to a bound), so it is allocated once.
        private const int MemoSizingMinimumCount = 4096;
        private const int MemoSizingLimit = 1 << 21;
        private readonly Dictionary<string, long> _names = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Dictionary<ShapeKey, long> _shapes = new Dictionary<ShapeKey, long>();
        private readonly List<Frame> _stack = new List<Frame>();
        private readonly Stack<Frame> _pool = new Stack<Frame>();

        private Type _lastType;
        private TypeProfile _lastProfile;
        private object _lastShapeTypes, _lastShapeNames;
        private long _lastShape;
        private bool _lastShapeBag;
        private long _nodes;
        private long _reported;
        private int _ops;
        private string _firstCompositeName;

        public GraphWriter(INodeAllocator allocator, SetOptions options)
        {
            _allocator = allocator;
            _converter = options.Converter;
            _cancel = options.CancellationToken;
            _progress = options.Progress;
            _secretOmitted = options.SecretOmitted;
            _depth = options.Depth;
        }

        public EncodedValue WriteRoot(object value)
        {
            _cancel.ThrowIfCancellationRequested();
            byte tag;
            ulong payload;
            _adapted = false;
            object effective = Encode(value, 0, false, &tag, &payload);
            Drain();
            string name;
            if (tag == NodeTags.Null) name = "";
            else if (effective is AncientList view) name = view.CollectionTypeName;
            else if (tag == NodeTags.PackedList) name = TypeNames.Of(effective.GetType());
            else if (NodeTags.IsComposite(tag)) name = _firstCompositeName;
            else name = TypeNames.Of(effective.GetType());
            _progress?.Invoke(_nodes);
            return new EncodedValue(tag, payload, name);
        }

        private void Drain()
        {
            while (_stack.Count > 0)
            {
                var f = _stack[_stack.Count - 1];
                if (f.Next == f.Count)
                {
                    if (f.Kind == FrameKind.Dictionary) BuildIndex(f);
                    _stack.RemoveAt(_stack.Count - 1);
                    f.Clear();
                    _pool.Push(f);
                    continue;
                }
                if (f.Next == 1 && !_memoSized && _stack.Count == 1 && f.Kind == FrameKind.Slots) SizeMemo(f.Count);
                int i = f.Next++;
                _adapted = f.Adapted;
                byte* tag = f.Tags + i;
                ulong* payload = f.Payloads + i;
                if (f.Kind == FrameKind.Slots)
                {
                    Encode(f.Items[i], f.Level, f.Lenient, tag, payload);
                }
                else if ((i & 1) == 0)
                {
                    object key = Encode(f.Keys[i >> 1], f.Level, f.Lenient, tag, payload);
                    uint hash;
                    if (NodeTags.IsComposite(*tag)) hash = KeyHash.Composite(*tag, (long)*payload);
                    else if (!KeyHash.TryCompute(key, f.IgnoreCase, out hash)) hash = KeyHash.Inline(*tag, *payload);
                    f.Hashes[i >> 1] = hash;
                }
                else
                {
                    Encode(f.Values[i >> 1], f.Level, f.Lenient, tag, payload);
                }
                Tick();
            }
        }

        private void SizeMemo(int elements)
        {
            _memoSized = true;
            if (elements < MemoSizingMinimumCount || _memo.Count == 0) return;
            long expected = Math.Min((long)_memo.Count * elements + (elements >> 3), MemoSizingLimit);
            if (expected <= _memo.Count * 2L) return;
            var sized = new Dictionary<object, Slot>((int)expected, IdentityComparer.Instance);
            foreach (var entry in _memo) sized.Add(entry.Key, entry.Value);
            _memo = sized;
        }

        private void Tick()
        {
            if ((++_ops & 0x3FF) != 0) return;
            _cancel.ThrowIfCancellationRequested();
            if (_progress != null && _nodes - _reported >= 4096)
            {
                _reported = _nodes;
                _progress(_nodes);
            }
        }

        private byte* Allocate(long size, out long offset)
        {
            offset = _allocator.Allocate(NodeTags.Align8(size), out byte* p);
            if (offset <= 0 || (offset & 7) != 0) throw new InvalidOperationException($"The allocator returned the unaligned offset {offset}.");
            _nodes++;
            return p;
        }

        /// <summary>
        /// Allocates a node whose first <paramref name="size"/> bytes the caller writes in full straight away (a packed array):
        /// the allocator then need not zero them, only the padding after them.
        /// </summary>
        private byte* AllocateFilled(long size, out long offset)
        {
            offset = _allocator.AllocateFilled(NodeTags.Align8(size), size, out byte* p);
            if (offset <= 0 || (offset & 7) != 0) throw new InvalidOperationException($"The allocator returned the unaligned offset {offset}.");
            _nodes++;
            return p;
        }

        /// <summary>
        /// Writes the slot for <paramref name="value"/>, allocating its node (and queueing its children) when it needs one.
        /// Returns the value as stored (after unwrapping, or its string when it was stored as a string), for key hashing.
        /// </summary>
        private object Encode(object value, int level, bool lenient, byte* tag, ulong* payload)
        {
            if (value != null && _converter != null)
            {
                value = _converter.Unwrap(value);
                if (value != null) _converter.CheckAllowed(value);
            }
            if (value == null)
            {
                *tag = NodeTags.Null;
                *payload = 0;
                return null;
            }
            var type = value.GetType();
            TypeProfile profile;
            if (type == _lastType) profile = _lastProfile;
            else
            {
                profile = TypeProfile.Of(type);
                _lastType = type;
                _lastProfile = profile;
            }

            switch (profile.Kind)
            {
                case StoredKind.Inline:
                    ScalarCodec.TryEncodeInline(value, out *tag, out *payload);
                    return value;
                case StoredKind.String:
                    EncodeString((string)value, tag, payload);
                    return value;
                case StoredKind.RefusedSecret:
                    if (_adapted && _secretOmitted != null)
                    {
                        // Not something the caller put there: a property of a live object (such as a drive's credential).
                        _secretOmitted(CurrentPath(), type);
                        *tag = NodeTags.Null;
                        *payload = 0;
                        return null;
                    }
                    throw Refusal(profile.Refusal, type);
                case StoredKind.RefusedUnrepresentable:
                    if (!lenient) throw Refusal(profile.Refusal, type);
                    return EncodeAsString(value, tag, payload);
            }

            if (!profile.IsValueType && _memo.TryGetValue(value, out var known))
            {
                *tag = known.Tag;
                *payload = known.Payload;
                return value;
            }

            long offset;
            byte t;
            switch (profile.Kind)
            {
                case StoredKind.Decimal: t = NodeTags.Decimal; offset = WriteDecimal((decimal)value); break;
                case StoredKind.BigInteger:
                    if (ScalarCodec.TryEncodeInline(value, out *tag, out *payload)) return value;
                    t = NodeTags.BigInteger;
                    offset = WriteBigInteger((System.Numerics.BigInteger)value);
                    break;
                case StoredKind.Guid: t = NodeTags.Guid; offset = WriteGuid((Guid)value); break;
                case StoredKind.DateTimeOffset: t = NodeTags.DateTimeOffset; offset = WriteDateTimeOffset((DateTimeOffset)value); break;
                case StoredKind.Version: t = NodeTags.Version; offset = WriteVersion((Version)value); break;
                case StoredKind.Uri: t = NodeTags.Uri; offset = WriteUri((Uri)value); break;
                case StoredKind.Enum: t = NodeTags.Enum; offset = WriteEnum((Enum)value, profile); break;
                case StoredKind.PackedArray:
                    t = NodeTags.PackedList;
                    offset = WritePacked((Array)value, profile.ElementTag, CollectionCodes.PackedArray);
                    break;
                case StoredKind.PackedList:
                {
                    var collection = (ICollection)value;
                    var array = Array.CreateInstance(NodeTags.ElementType(profile.ElementTag), collection.Count);
                    collection.CopyTo(array, 0);
                    t = NodeTags.PackedList;
                    offset = WritePacked(array, profile.ElementTag, CollectionCodes.PackedGenericList);
                    break;
                }
                case StoredKind.AncientList:
                {
                    var view = (AncientList)value;
                    if (view.IsPacked)
                    {
                        t = NodeTags.PackedList;
                        offset = WritePackedCopy(view);
                    }
                    else
                    {
                        t = NodeTags.List;
                        offset = WriteList(view.CollectionTypeName, view.RawItems(), level, false);
                    }
                    break;
                }
                case StoredKind.List:
                {
                    var list = (IList)value;
                    var items = value as IReadOnlyList<object> ?? new ListItems(list);
                    t = NodeTags.List;
                    offset = WriteList(profile.Name, items, level, false);
                    break;
                }
                case StoredKind.Enumerable:
                {
                    var items = new List<object>();
                    foreach (var item in (IEnumerable)value)
                    {
                        items.Add(item);
                        if ((items.Count & 0x3FF) == 0) _cancel.ThrowIfCancellationRequested();
                    }
                    t = NodeTags.List;
                    offset = WriteList(profile.Name, items, level, false);
                    break;
                }
                case StoredKind.Dictionary:
                {
                    var keys = new List<object>();
                    var values = new List<object>();
                    var e = ((IDictionary)value).GetEnumerator();
                    try
                    {
                        while (e.MoveNext())
                        {
                            var entry = e.Entry;
                            keys.Add(entry.Key);
                            values.Add(entry.Value);
                            if ((keys.Count & 0x3FF) == 0) _cancel.ThrowIfCancellationRequested();
                        }
                    }
                    finally
                    {
                        (e as IDisposable)?.Dispose();
                    }
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(profile.Name, ComparerProbe.IgnoresCase(value), keys.ToArray(), values.ToArray(), level);
                    break;
                }
                case StoredKind.GenericDictionary:
                {
                    var keys = new List<object>();
                    var values = new List<object>();
                    foreach (var pair in (IEnumerable)value)
                    {
                        keys.Add(profile.PairKey.GetValue(pair));
                        values.Add(profile.PairValue.GetValue(pair));
                        if ((keys.Count & 0x3FF) == 0) _cancel.ThrowIfCancellationRequested();
                    }
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(profile.Name, ComparerProbe.IgnoresCase(value), keys.ToArray(), values.ToArray(), level);
                    break;
                }
                case StoredKind.AncientDictionary:
                {
                    var view = (AncientDictionary)value;
                    view.RawEntries(out var keys, out var values);
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(view.DictionaryTypeName, view.IgnoresCase, keys, values, level);
                    break;
                }
                case StoredKind.AncientRecord:
                {
                    var view = (AncientRecord)value;
                    t = NodeTags.Record;
                    offset = WriteRecord(view.TypeNames, view.Names, view.RawValues(), view.IsPropertyBag, level, false);
                    break;
                }
                case StoredKind.MaterializedRecord:
                {
                    var record = (MaterializedRecord)value;
                    t = NodeTags.Record;
                    offset = WriteRecord(record.TypeNames, record.Names, record.Values, true, level, false);
                    break;
                }
                default:
                {
                    if (level >= _depth && (_converter == null || !_converter.MayBePropertyBag(value))) return EncodeAsString(value, tag, payload);
                    if (_converter != null && _converter.TryDescribe(value, out var description) && description != null)
                    {
                        if (!description.IsPropertyBag && level >= _depth) return EncodeAsString(value, tag, payload);
                        t = NodeTags.Record;
                        offset = WriteRecord(description.TypeNames, description.Names, description.Values, description.IsPropertyBag,
                            description.IsPropertyBag ? level : level + 1, !description.IsPropertyBag);
                        break;
                    }
                    if (level >= _depth) return EncodeAsString(value, tag, payload);
                    var properties = profile.Properties;
                    var values = new object[properties.Length];
                    for (int i = 0; i < properties.Length; i++)
                    {
                        // A getter that throws is stored as null, as the rest of the object is still worth keeping.
                        try { values[i] = properties[i].GetValue(value, null); }
                        catch (Exception) { values[i] = null; }
                    }
                    t = NodeTags.Record;
                    offset = WriteRecord(profile.TypeChain, profile.PropertyNames, values, false, level + 1, true);
                    break;
                }
            }

            *tag = t;
            *payload = (ulong)offset;
            if (!profile.IsValueType) _memo[value] = new Slot { Tag = t, Payload = (ulong)offset };
            return value;
        }

        private AncientUnsupportedTypeException Refusal(string reason, Type type)
        {
            string path = CurrentPath();
            return new AncientUnsupportedTypeException(path.Length == 0 ? reason : $"{path}: {reason}", type, path);
        }

        /// <summary>
        /// The path of the slot being encoded, as PowerShell reaches it: [12].PSDrive.Credential. The stack holds exactly
        /// the composites above it, each at the slot after the one being filled.
        /// </summary>
        private string CurrentPath()
        {
            var path = new System.Text.StringBuilder();
            foreach (var f in _stack)
            {
                int i = f.Next - 1;
                if (i < 0) continue;
                if (f.Kind == FrameKind.Dictionary)
                {
                    if ((i & 1) == 0)
                    {
                        path.Append(".Keys[").Append(i >> 1).Append(']');
                        continue;
                    }
                    object key = f.Keys[i >> 1];
                    string text;
                    try { text = key?.ToString() ?? ""; }
                    catch (Exception) { text = "?"; }
                    if (key is string) text = "'" + text.Replace("'", "''") + "'";
                    path.Append('[').Append(text).Append(']');
                }
                else if (f.Names != null)
                {
                    if (path.Length > 0) path.Append('.');
                    path.Append(i < f.Names.Count ? f.Names[i] : "?");
                }
                else path.Append('[').Append(i).Append(']');
            }
            return path.ToString();
        }

        private object EncodeAsString(object value, byte* tag, ulong* payload)
        {
            string s;
            try { s = value.ToString() ?? ""; }
            catch (Exception) { s = TypeNames.Of(value.GetType()); }
            EncodeString(s, tag, payload);
            return s;
        }

        // ---- scalars ----

        private void EncodeString(string s, byte* tag, ulong* payload)
        {
            if (StringCodec.TryPackShort(s, out *tag, out *payload)) return;
            if (_memo.TryGetValue(s, out var known))
            {
                *tag = known.Tag;
                *payload = known.Payload;
                return;
            }
            long offset = WriteStringNode(s, NodeTags.String);
            *tag = NodeTags.String;
            *payload = (ulong)offset;
            _memo[s] = new Slot { Tag = NodeTags.String, Payload = (ulong)offset };
        }

        private long WriteStringNode(string s, byte kind)
        {
            byte enc = StringCodec.Choose(s, out int n, out bool ascii);
            int header = n < 0xFFFF ? 4 : 8;
            byte* p = Allocate(header + (long)n, out long offset);
            p[0] = kind;
            p[1] = enc;
            if (header == 4) *(ushort*)(p + 2) = (ushort)n;
            else
            {
                *(ushort*)(p + 2) = 0xFFFF;
                *(uint*)(p + 4) = (uint)n;
            }
            StringCodec.Encode(s, enc, p + header, n, ascii);
            return offset;
        }

        /// <summary>Type and property names: written once per write, and never inline, so a name is always a node offset.</summary>
        private long Name(string s)
        {
            if (s == null) s = "";
            if (_names.TryGetValue(s, out long offset)) return offset;
            offset = WriteStringNode(s, NodeTags.String);
            _names[s] = offset;
            return offset;
        }

        private long WriteDecimal(decimal d)
        {
            int[] bits = decimal.GetBits(d);
            byte* p = Allocate(24, out long offset);
            p[0] = NodeTags.Decimal;
            for (int i = 0; i < 4; i++) *(int*)(p + 8 + 4 * i) = bits[i];
            return offset;
        }

        private long WriteBigInteger(System.Numerics.BigInteger b)
        {
            byte[] bytes = b.ToByteArray();
            byte* p = Allocate(8 + (long)bytes.Length, out long offset);
            p[0] = NodeTags.BigInteger;
            *(uint*)(p + 4) = (uint)bytes.Length;
            Marshal.Copy(bytes, 0, (IntPtr)(p + 8), bytes.Length);
            return offset;
        }

        private long WriteGuid(Guid g)
        {
            byte[] bytes = g.ToByteArray();
            byte* p = Allocate(24, out long offset);
            p[0] = NodeTags.Guid;
            Marshal.Copy(bytes, 0, (IntPtr)(p + 8), 16);
            return offset;
        }

        private long WriteDateTimeOffset(DateTimeOffset d)
        {
            byte* p = Allocate(16, out long offset);
            p[0] = NodeTags.DateTimeOffset;
            *(short*)(p + 2) = (short)(d.Offset.Ticks / TimeSpan.TicksPerMinute);
            *(long*)(p + 8) = d.Ticks;
            return offset;
        }

        private long WriteVersion(Version v)
        {
            byte* p = Allocate(24, out long offset);
            p[0] = NodeTags.Version;
            *(int*)(p + 8) = v.Major;
            *(int*)(p + 12) = v.Minor;
            *(int*)(p + 16) = v.Build;
            *(int*)(p + 20) = v.Revision;
            return offset;
        }

        private long WriteUri(Uri u)
        {
            byte* p = Allocate(16, out long offset);
            p[0] = NodeTags.Uri;
            p[1] = (byte)(u.IsAbsoluteUri ? UriKind.Absolute : UriKind.Relative);
            EncodeString(u.OriginalString, p + 2, (ulong*)(p + 8));
            return offset;
        }

        private long WriteEnum(Enum e, TypeProfile profile)
        {
            long name = Name(profile.Name);
            byte* p = Allocate(24, out long offset);
            p[0] = NodeTags.Enum;
            p[1] = profile.ElementTag;
            *(ulong*)(p + 8) = KeyHash.EnumBits(e);
            *(long*)(p + 16) = name;
            return offset;
        }

        // ---- packed arrays ----

        private long WritePacked(Array array, byte elementTag, ushort code)
        {
            int count = array.Length;
            long bytes = (long)count * NodeTags.ElementSize(elementTag);
            // Pinned first, so that nothing can fail between taking the unzeroed node and overwriting it.
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            try
            {
                byte* p = AllocateFilled(8 + bytes, out long offset);
                WritePackedHeader(p, elementTag, code, count);
                if (bytes > 0) Buffer.MemoryCopy((void*)handle.AddrOfPinnedObject(), p + 8, bytes, bytes);
                return offset;
            }
            finally { handle.Free(); }
        }

        private long WritePackedCopy(AncientList view)
        {
            byte elementTag = view.PackedElementTag;
            int count = view.Count;
            long bytes = (long)count * NodeTags.ElementSize(elementTag);
            byte* p = Allocate(8 + bytes, out long offset);
            WritePackedHeader(p, elementTag, view.PackedCode, count);
            view.CopyPackedBytes(p + 8, bytes);
            return offset;
        }

        private static void WritePackedHeader(byte* p, byte elementTag, ushort code, int count)
        {
            p[0] = NodeTags.PackedList;
            p[1] = elementTag;
            *(ushort*)(p + 2) = code;
            *(uint*)(p + 4) = (uint)count;
        }

        // ---- composites ----

        private Frame Push(FrameKind kind, int level, bool lenient)
        {
            var f = _pool.Count > 0 ? _pool.Pop() : new Frame();
            f.Kind = kind;
            f.Next = 0;
            f.Level = level;
            f.Lenient = lenient;
            f.Adapted = _adapted;
            _stack.Add(f);
            return f;
        }

        private long WriteList(string typeName, IReadOnlyList<object> items, int level, bool lenient)
        {
            int count = items.Count;
            ushort code = CollectionCodes.CodeOf(typeName);
            long name = code == CollectionCodes.Named ? Name(typeName) : 0;
            int header = code == CollectionCodes.Named ? 16 : 8;
            byte* p = Allocate(header + NodeTags.Align8(count) + 8L * count, out long offset);
            if (_firstCompositeName == null) _firstCompositeName = typeName;
            p[0] = NodeTags.List;
            *(ushort*)(p + 2) = code;
            *(uint*)(p + 4) = (uint)count;
            if (code == CollectionCodes.Named) *(long*)(p + 8) = name;
            if (count > 0)
            {
                var f = Push(FrameKind.Slots, level, lenient);
                f.Tags = p + header;
                f.Payloads = (ulong*)(p + header + NodeTags.Align8(count));
                f.Count = count;
                f.Items = items;
            }
            return offset;
        }

        private long WriteDictionary(string typeName, bool ignoreCase, object[] keys, object[] values, int level)
        {
            int count = keys.Length;
            int capacity = IndexCapacity(count);
            long name = Name(typeName);
            long tagBytes = NodeTags.Align8(2L * count);
            byte* p = Allocate(24 + tagBytes + 16L * count + 8L * capacity, out long offset);
            if (_firstCompositeName == null) _firstCompositeName = typeName;
            p[0] = NodeTags.Dictionary;
            p[1] = (byte)(ignoreCase ? 1 : 0);
            *(uint*)(p + 4) = (uint)count;
            *(uint*)(p + 8) = (uint)capacity;
            *(long*)(p + 16) = name;
            if (count > 0)
            {
                var f = Push(FrameKind.Dictionary, level, false);
                f.Tags = p + 24;
                f.Payloads = (ulong*)(p + 24 + tagBytes);
                f.Index = p + 24 + tagBytes + 16L * count;
                f.Capacity = capacity;
                f.Count = 2 * count;
                f.Keys = keys;
                f.Values = values;
                f.Hashes = new uint[count];
                f.IgnoreCase = ignoreCase;
            }
            return offset;
        }

        /// <summary>A power of two at least 1.5 times the count, so the load stays between 1/3 and 2/3.</summary>
        internal static int IndexCapacity(int count)
        {
            if (count == 0) return 0;
            long want = count + (long)count / 2 + 1;
            long capacity = 1;
            while (capacity < want) capacity <<= 1;
            if (capacity > int.MaxValue) throw new AncientUnsupportedTypeException($"A dictionary of {count} entries is too large to index.", null);
            return (int)capacity;
        }

        private static void BuildIndex(Frame f)
        {
            uint mask = (uint)f.Capacity - 1;
            uint* index = (uint*)f.Index;
            var hashes = f.Hashes;
            for (int i = 0; i < hashes.Length; i++)
            {
                uint pos = hashes[i] & mask;
                while (index[2 * pos + 1] != 0) pos = (pos + 1) & mask;
                index[2 * pos] = hashes[i];
                index[2 * pos + 1] = (uint)i + 1;
            }
        }

        private long WriteRecord(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag, int childLevel, bool lenient)
        {
            if (names.Count != values.Count) throw new ArgumentException("A record's names and values differ in count.");
            long shape = Shape(typeNames, names, isPropertyBag);
            if (((ulong)shape >> 56) != 0) throw new InvalidOperationException("A record shape lies beyond the 2^56-byte offsets a record header can hold.");
            int count = names.Count;
            byte* p = Allocate(8 + NodeTags.Align8(count) + 8L * count, out long offset);
            if (_firstCompositeName == null) _firstCompositeName = typeNames.Count > 0 ? typeNames[0] : "System.Object";
            *(ulong*)p = NodeTags.Record | ((ulong)shape << 8);
            if (count > 0)
            {
                var f = Push(FrameKind.Slots, childLevel, lenient);
                f.Tags = p + 8;
                f.Payloads = (ulong*)(p + 8 + NodeTags.Align8(count));
                f.Count = count;
                f.Items = values;
                f.Names = names;
                if (!isPropertyBag) f.Adapted = true;
            }
            return offset;
        }

        private long Shape(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, bool isPropertyBag)
        {
            // Reflection hands the same arrays for every object of a type: skip the lookup then.
            if (ReferenceEquals(typeNames, _lastShapeTypes) && ReferenceEquals(names, _lastShapeNames) && _lastShape != 0 && _lastShapeBag == isPropertyBag)
                return _lastShape;
            // Consecutive records of one shape usually repeat the same name strings: compare before hashing.
            if (_lastShape != 0 && _lastShapeBag == isPropertyBag && SameNames(typeNames, _lastShapeTypeCopy) && SameNames(names, _lastShapeNameCopy))
            {
                _lastShapeTypes = typeNames;
                _lastShapeNames = names;
                return _lastShape;
            }
            var probe = new ShapeKey(typeNames, names, isPropertyBag);
            if (!_shapes.TryGetValue(probe, out long offset))
            {
                var typeCopy = Copy(typeNames);
                var nameCopy = Copy(names);
                int t = typeCopy.Length, n = nameCopy.Length;
                var offsets = new long[t + n];
                for (int i = 0; i < t; i++) offsets[i] = Name(typeCopy[i]);
                for (int i = 0; i < n; i++) offsets[t + i] = Name(nameCopy[i]);
                if (((long)t + n) * 8 > int.MaxValue) throw new ArgumentException("A record has too many properties.");
                byte* p = Allocate(16 + 8L * (t + n), out offset);
                p[0] = NodeTags.Shape;
                p[1] = (byte)(isPropertyBag ? 1 : 0);
                *(uint*)(p + 4) = (uint)n;
                *(uint*)(p + 8) = (uint)t;
                for (int i = 0; i < offsets.Length; i++) *(long*)(p + 16 + 8 * i) = offsets[i];
                _shapes[new ShapeKey(typeCopy, nameCopy, isPropertyBag)] = offset;
                _lastShapeTypeCopy = typeCopy;
                _lastShapeNameCopy = nameCopy;
            }
            else
            {
                _lastShapeTypeCopy = Copy(typeNames);
                _lastShapeNameCopy = Copy(names);
            }
            _lastShapeTypes = typeNames;
            _lastShapeNames = names;
            _lastShape = offset;
            _lastShapeBag = isPropertyBag;
            return offset;
        }

        private string[] _lastShapeTypeCopy, _lastShapeNameCopy;

        private static bool SameNames(IReadOnlyList<string> list, string[] copy)
        {
            if (copy == null || list.Count != copy.Length) return false;
            for (int i = 0; i < copy.Length; i++)
            {
                string s = list[i];
                if (!ReferenceEquals(s, copy[i]) && !string.Equals(s ?? "", copy[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        private static string[] Copy(IReadOnlyList<string> list)
        {
            var a = new string[list.Count];
            for (int i = 0; i < a.Length; i++) a[i] = list[i] ?? "";
            return a;
        }

        /// <summary>Shape identity: type names, property names (ordinal) and the property-bag flag.</summary>
        private readonly struct ShapeKey : IEquatable<ShapeKey>
        {
            private readonly IReadOnlyList<string> _types;
            private readonly IReadOnlyList<string> _names;
            private readonly bool _bag;
            private readonly int _hash;

            public ShapeKey(IReadOnlyList<string> types, IReadOnlyList<string> names, bool bag)
            {
                _types = types;
                _names = names;
                _bag = bag;
                int h = bag ? 1 : 0;
                for (int i = 0; i < types.Count; i++) h = h * 31 + (types[i]?.GetHashCode() ?? 0);
                h = h * 17 + names.Count;
                for (int i = 0; i < names.Count; i++) h = h * 31 + (names[i]?.GetHashCode() ?? 0);
                _hash = h;
            }

            public bool Equals(ShapeKey other)
            {
                if (_hash != other._hash || _bag != other._bag || _types.Count != other._types.Count || _names.Count != other._names.Count) return false;
                for (int i = 0; i < _types.Count; i++) if (!string.Equals(_types[i] ?? "", other._types[i] ?? "", StringComparison.Ordinal)) return false;
                for (int i = 0; i < _names.Count; i++) if (!string.Equals(_names[i] ?? "", other._names[i] ?? "", StringComparison.Ordinal)) return false;
                return true;
            }

            public override bool Equals(object obj) => obj is ShapeKey k && Equals(k);
            public override int GetHashCode() => _hash;
        }

        /// <summary>Reference identity, except that two views of one stored node are one object (so copying keeps sharing).</summary>
        private sealed class IdentityComparer : IEqualityComparer<object>
        {
            public static readonly IdentityComparer Instance = new IdentityComparer();

            public new bool Equals(object a, object b) => ReferenceEquals(a, b) || (a is IAncientNode && a.Equals(b));

            public int GetHashCode(object o) => o is IAncientNode ? o.GetHashCode() : RuntimeHelpers.GetHashCode(o);
        }

        private sealed class ListItems : IReadOnlyList<object>
        {
            private readonly IList _list;
            public ListItems(IList list) { _list = list; }
            public object this[int index] => _list[index];
            public int Count => _list.Count;
            public IEnumerator<object> GetEnumerator() { foreach (var o in _list) yield return o; }
            IEnumerator IEnumerable.GetEnumerator() => _list.GetEnumerator();
        }
    }
}

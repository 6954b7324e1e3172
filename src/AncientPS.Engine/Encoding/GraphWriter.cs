using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// One write: the walk of the graph. Composite nodes are allocated before their children are encoded, so a
    /// back-reference can point at them; their children are filled from an explicit stack of frames, one slot at a time,
    /// so depth costs heap, never call stack. Each node's bytes are laid out by its codec (<see cref="ListNode"/>,
    /// <see cref="DictionaryNode"/>, <see cref="RecordNode"/>, <see cref="ScalarNodes"/> ...), names and shapes are
    /// interned by <see cref="ShapeTable"/>, and .NET types are classified once by <see cref="TypeProfile"/>.
    /// </summary>
    internal sealed unsafe class GraphWriter : INodeSink
    {
        private readonly INodeAllocator _allocator;
        private readonly ObjectConverter _converter;
        private readonly CancellationToken _cancel;
        private readonly Action<long> _progress;
        private readonly Action<string, Type> _secretOmitted;
        private readonly Action<string, Type, Exception> _readFailed;
        // The collection being read when its enumerator fails (one delegate for every collection, no closure each).
        private object _reading;
        private readonly Action<Exception> _onReadFailed;
        private readonly int _depth;
        // Writes the nodes of format 1.1 (classic records and lists), for tests of the reading of older files.
        private readonly bool _classic;
        // One record's slots as the write found them before laying the record out (records are not written re-entrantly:
        // only leaves, which have no slots, are encoded while a record is laid out).
        private byte[] _slotTags = new byte[16];
        private ulong[] _slotPayloads = new ulong[16];
        // The leading leaves of one list (lists, like records, are laid out before any nested composite is encoded).
        private byte[] _listTags = new byte[16];
        private ulong[] _listPayloads = new ulong[16];

        // The frame whose slot is being encoded lies below an adapted .NET object (set by Drain before each slot).
        private bool _adapted;

        private readonly WrittenNodes _memo = new WrittenNodes();
        private readonly ShapeTable _shapes;
        private readonly WriteStack _stack = new WriteStack();

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
            _readFailed = options.ReadFailed;
            _onReadFailed = e => _readFailed?.Invoke(_stack.CurrentPath(), _reading?.GetType(), e);
            _depth = options.Depth;
            _classic = options.ClassicLayout;
            _shapes = new ShapeTable(this, _classic);
        }

        public EncodedValue WriteRoot(object value)
        {
            _cancel.ThrowIfCancellationRequested();
            byte tag;
            ulong payload;
            _adapted = false;
            object effective = Encode(value, 0, false, &tag, &payload);
            Drain();
            Debug.Assert(_stack.Count == 0, "every composite is filled before the write returns");
            string name;
            if (tag == NodeTags.Null) name = "";
            else if (effective is AncientList view) name = view.CollectionTypeName;
            else if (tag == NodeTags.PackedList) name = TypeNames.Of(effective.GetType());
            else if (NodeTags.IsComposite(tag)) name = _firstCompositeName;
            else name = TypeNames.Of(effective.GetType());
            _progress?.Invoke(_nodes);
            return new EncodedValue(tag, payload, name);
        }

        /// <summary>
        /// Writes a dictionary key for an update in place, with the hash its entry is indexed under (as a dictionary
        /// written whole hashes its keys).
        /// </summary>
        public EncodedValue WriteKey(object key, bool ignoreCase, out uint hash)
        {
            _cancel.ThrowIfCancellationRequested();
            byte tag;
            ulong payload;
            _adapted = false;
            object effective = Encode(key, 0, false, &tag, &payload);
            Drain();
            if (NodeTags.IsComposite(tag)) hash = KeyHash.Composite(tag, (long)payload);
            else if (!KeyHash.TryCompute(effective, ignoreCase, out hash)) hash = KeyHash.Inline(tag, payload);
            return new EncodedValue(tag, payload, null);
        }

        /// <summary>Writes a list of <paramref name="items"/> named <paramref name="typeName"/> as a root: an updated value written whole again.</summary>
        public EncodedValue WriteRootList(string typeName, IReadOnlyList<object> items)
        {
            _cancel.ThrowIfCancellationRequested();
            _adapted = false;
            long offset = WriteList(typeName, items, 0, false);
            Drain();
            _progress?.Invoke(_nodes);
            return new EncodedValue(NodeTags.List, (ulong)offset, typeName);
        }

        /// <summary>Writes a dictionary as a root: an updated value written whole again.</summary>
        public EncodedValue WriteRootDictionary(string typeName, bool ignoreCase, object[] keys, object[] values)
        {
            _cancel.ThrowIfCancellationRequested();
            _adapted = false;
            long offset = WriteDictionary(typeName, ignoreCase, keys, values, 0);
            Drain();
            _progress?.Invoke(_nodes);
            return new EncodedValue(NodeTags.Dictionary, (ulong)offset, typeName);
        }

        private void Drain()
        {
            while (_stack.Count > 0)
            {
                var f = _stack.Top;
                if (f.Next == f.Count)
                {
                    if (f.Kind == WriteFrameKind.Dictionary) f.Dictionary.BuildIndex(f.Hashes);
                    object[] spare = f.SpareValues;
                    _stack.Pop();
                    ReturnValues(spare);
                    continue;
                }
                if (f.Next == 1 && _stack.Count == 1 && f.Kind == WriteFrameKind.Slots) _memo.SizeFor(f.Count);
                int i = f.Next++;
                _adapted = f.Adapted;
                byte* tag = f.Tags + i;
                ulong* payload = f.Payloads + i;
                if (f.Layout != null)
                {
                    // A record laid out by RecordLayout: only the slots left pending when it was written are encoded here.
                    int tagAt = f.Layout.TagAt(i);
                    if (tagAt < 0 || f.Node[tagAt] != RecordLayout.PendingTag) continue;
                    tag = f.Node + tagAt;
                    payload = (ulong*)(f.Node + f.Layout.PayloadAt(i));
                    Encode(f.Items[i], f.KeepLevel != null && f.KeepLevel[i] ? f.Level - 1 : f.Level, f.Lenient, tag, payload);
                }
                else if (f.Kind == WriteFrameKind.Slots)
                {
                    Encode(f.Items[i], f.KeepLevel != null && f.KeepLevel[i] ? f.Level - 1 : f.Level, f.Lenient, tag, payload);
                }
                else if ((i & 1) == 0)
                {
                    _encodingKey = true;
                    object key;
                    try { key = Encode(f.Keys[i >> 1], f.Level, f.Lenient, tag, payload); }
                    finally { _encodingKey = false; }
                    uint hash;
                    if (NodeTags.IsComposite(*tag)) hash = KeyHash.Composite(*tag, (long)*payload);
                    else if (!KeyHash.TryCompute(key, f.IgnoreCase, out hash)) hash = KeyHash.Inline(*tag, *payload);
                    Debug.Assert(f.Hashes.Length * 2 == f.Count, "a dictionary frame has a key and a value slot per entry");
                    f.Hashes[i >> 1] = hash;
                }
                else
                {
                    Encode(f.Values[i >> 1], f.Level, f.Lenient, tag, payload);
                }
                Tick();
            }
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

        public bool WritesClassic => _classic;

        public byte* Allocate(long size, out long offset)
        {
            offset = _allocator.Allocate(NodeTags.Align8(size), out byte* p);
            CheckAllocated(offset);
            return p;
        }

        public byte* AllocateFilled(long size, out long offset)
        {
            offset = _allocator.AllocateFilled(NodeTags.Align8(size), size, out byte* p);
            CheckAllocated(offset);
            return p;
        }

        private void CheckAllocated(long offset)
        {
            if (offset <= 0 || (offset & 7) != 0) throw new InvalidOperationException($"The allocator returned the unaligned offset {offset}.");
            _nodes++;
        }

        public long Name(string name) => _shapes.Name(name);

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
            return EncodeProfiled(value, ProfileOf(value.GetType()), level, lenient, tag, payload);
        }

        // The profiles of the last few types met: a record's values are of a handful of types (an int, a string, a
        // double, a bool, an array), met in turn, which one remembered type missed every time.
        private const int RecentTypes = 8;
        private readonly Type[] _recentTypes = new Type[RecentTypes];
        private readonly TypeProfile[] _recentProfiles = new TypeProfile[RecentTypes];
        private int _nextRecent;

        private TypeProfile ProfileOf(Type type)
        {
            var types = _recentTypes;
            for (int i = 0; i < types.Length; i++)
                if (ReferenceEquals(types[i], type)) return _recentProfiles[i];
            var profile = TypeProfile.Of(type);
            int slot = _nextRecent;
            _nextRecent = (slot + 1) & (RecentTypes - 1);
            types[slot] = type;
            _recentProfiles[slot] = profile;
            return profile;
        }

        /// <summary>
        /// Encodes <paramref name="value"/> now when it is a leaf: null, a scalar, a string, a scalar node or a packed
        /// list, whose encoding queues nothing (so a record or list can be laid out knowing its slots); false otherwise,
        /// and nothing is written.
        /// </summary>
        private bool TryEncodeLeaf(object value, int level, bool lenient, byte* tag, ulong* payload)
        {
            if (value != null && _converter != null) value = _converter.Unwrap(value);
            if (value == null)
            {
                *tag = NodeTags.Null;
                *payload = 0;
                return true;
            }
            var profile = ProfileOf(value.GetType());
            switch (profile.Kind)
            {
                case StoredKind.Inline:
                case StoredKind.String:
                case StoredKind.ScalarNode:
                case StoredKind.PackedArray:
                case StoredKind.PackedList:
                case StoredKind.AncientList when ((AncientList)value).IsPacked:
                    _converter?.CheckAllowed(value);
                    EncodeProfiled(value, profile, level, lenient, tag, payload);
                    return true;
                default:
                    return false;
            }
        }

        private object EncodeProfiled(object value, TypeProfile profile, int level, bool lenient, byte* tag, ulong* payload)
        {
            var type = value.GetType();
            switch (profile.Kind)
            {
                case StoredKind.Inline:
                    ScalarCodec.TryEncodeInline(value, out *tag, out *payload);
                    return value;
                case StoredKind.String:
                    WriteString((string)value, tag, payload);
                    return value;
                case StoredKind.RefusedSecret:
                    if (_adapted && _secretOmitted != null)
                    {
                        // Not something the caller put there: a property of a live object (such as a drive's credential).
                        _secretOmitted(_stack.CurrentPath(), type);
                        *tag = NodeTags.Null;
                        *payload = 0;
                        return null;
                    }
                    throw Refusal(profile.Refusal, type);
                case StoredKind.RefusedUnrepresentable:
                    if (!lenient) throw Refusal(profile.Refusal, type);
                    // Inside a .NET object, a Type or an Assembly is described by the host as the serializer describes it.
                    if (!profile.DescribedInsideObjects || _converter == null) return EncodeAsString(value, tag, payload);
                    break;
            }

            if (!profile.IsValueType && _memo.TryGet(value, tag, payload))
            {
                // A record, list or dictionary met again: marked in its header (format 1.3), so that a reader gives one
                // object for it. (A packed list of primitives has no flags, and is not marked.)
                if (!_classic)
                {
                    if (*tag == NodeTags.Record) RecordNode.MarkShared(_allocator.PointerTo((long)*payload, RecordNode.HeaderSize));
                    else if (*tag == NodeTags.List) _allocator.PointerTo((long)*payload, ListNode.HeaderSize)[ListNode.FlagsAt] |= ListNode.SharedFlag;
                    else if (*tag == NodeTags.Dictionary) _allocator.PointerTo((long)*payload, DictionaryNode.HeaderSize)[DictionaryNode.FlagsAt] |= DictionaryNode.SharedFlag;
                }
                return value;
            }

            long offset;
            byte t;
            switch (profile.Kind)
            {
                case StoredKind.ScalarNode:
                    // Past the depth (only inside a .NET object) PowerShell's serializer keeps the primitive types it knows
                    // and writes anything else as its text; an enum is not one of them ("Normal", not 32).
                    if (level >= _depth && (value is Enum || value is UnresolvedEnum)) return EncodeAsString(value, tag, payload);
                    if (profile.Codec.TryWriteInline(value, out *tag, out *payload)) return value;
                    t = profile.Codec.Tag;
                    offset = profile.Codec.Write(this, value, profile.Name);
                    break;
                case StoredKind.PackedArray:
                    t = NodeTags.PackedList;
                    offset = PackedListNode.WriteArray(this, (Array)value, profile.ElementTag, CollectionCodes.PackedArray);
                    break;
                case StoredKind.PackedList:
                {
                    var collection = (ICollection)value;
                    var array = Array.CreateInstance(NodeTags.ElementType(profile.ElementTag), collection.Count);
                    collection.CopyTo(array, 0);
                    t = NodeTags.PackedList;
                    offset = PackedListNode.WriteArray(this, array, profile.ElementTag, CollectionCodes.PackedGenericList);
                    break;
                }
                case StoredKind.AncientList:
                {
                    var view = (AncientList)value;
                    if (view.IsPacked)
                    {
                        t = NodeTags.PackedList;
                        offset = PackedListNode.WriteCopy(this, view);
                    }
                    else
                    {
                        t = NodeTags.List;
                        offset = WriteList(view.CollectionTypeName, view.RawItems(), level, false, Joined(view.DeserializedTypeNames));
                    }
                    break;
                }
                case StoredKind.List:
                {
                    var items = SourceCollections.Items((IList)value);
                    t = NodeTags.List;
                    offset = WriteList(CollectionName(profile.Name, false), items, level, lenient, OriginalNames(value));
                    break;
                }
                case StoredKind.Enumerable:
                {
                    _reading = value;
                    var items = SourceCollections.Items((IEnumerable)value, _cancel, _onReadFailed);
                    t = NodeTags.List;
                    offset = WriteList(CollectionName(profile.Name, false), items, level, lenient, OriginalNames(value));
                    break;
                }
                case StoredKind.Dictionary:
                {
                    _reading = value;
                    SourceCollections.Entries((IDictionary)value, _cancel, _onReadFailed, out var keys, out var values);
                    if (_adapted) SourceCollections.InDeserializedHashtableOrder(keys, values);
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(CollectionName(profile.Name, true), ComparerProbe.IgnoresCase(value), keys, values, level, OriginalNames(value), lenient);
                    break;
                }
                case StoredKind.GenericDictionary:
                {
                    _reading = value;
                    if (!SourceCollections.Pairs((IEnumerable)value, profile, _cancel, _onReadFailed, out var keys, out var values))
                    {
                        var items = SourceCollections.Items((IEnumerable)value, _cancel, _onReadFailed);
                        t = NodeTags.List;
                        offset = WriteList(CollectionName(profile.Name, false), items, level, lenient, OriginalNames(value));
                        break;
                    }
                    if (_adapted) SourceCollections.InDeserializedHashtableOrder(keys, values);
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(CollectionName(profile.Name, true), ComparerProbe.IgnoresCase(value), keys, values, level, OriginalNames(value), lenient);
                    break;
                }
                case StoredKind.AncientDictionary:
                {
                    var view = (AncientDictionary)value;
                    view.RawEntries(out var keys, out var values);
                    t = NodeTags.Dictionary;
                    offset = WriteDictionary(view.DictionaryTypeName, view.IgnoresCase, keys, values, level, Joined(view.DeserializedTypeNames));
                    break;
                }
                case StoredKind.AncientRecord:
                {
                    var view = (AncientRecord)value;
                    t = NodeTags.Record;
                    if (view.WrapsValue && _classic) return EncodeBare(view.WrappedValue, level, lenient, tag, payload);
                    offset = WriteRecord(view.TypeNames, view.Names, view.RawValues(), view.IsPropertyBag, level, false, view.ToStringText, adaptedFrom: view.AdaptedFrom,
                        wrapped: view.WrappedValue, standard: view.StandardMembers);
                    break;
                }
                case StoredKind.MaterializedRecord:
                {
                    var record = (MaterializedRecord)value;
                    t = NodeTags.Record;
                    if (record.WrappedValue != null && _classic) return EncodeBare(record.WrappedValue, level, lenient, tag, payload);
                    offset = WriteRecord(record.TypeNames, record.Names, record.Values, record.WrappedValue == null, level, false, null, wrapped: record.WrappedValue,
                        standard: record.StandardMembers);
                    break;
                }
                default:
                {
                    if (_converter != null)
                    {
                        // The type's own depth replaces the depth left (PowerShell's type data SerializationDepth).
                        int typeDepth = _converter.SerializationDepthOf(value);
                        if (typeDepth > 0) level = _depth - typeDepth;
                    }
                    if (_converter != null && _converter.TryDescribeValueWithNotes(value, out var noted) && noted?.WrappedValue != null)
                    {
                        // A value with notes (format 1.5): the notes at the value's own level, as a .NET object's instance
                        // members are; where no depth is left (or the file's layout has no such record), the value alone.
                        // A dictionary key is the value alone: a key is found by its value, and PowerShell's own
                        // dictionaries hold their keys without notes.
                        if (level >= _depth || _classic || _encodingKey || !IsWrappable(noted.WrappedValue)) return EncodeBare(noted.WrappedValue, level, lenient, tag, payload);
                        t = NodeTags.Record;
                        offset = WriteRecord(noted.TypeNames, noted.Names, noted.Values, false, level, lenient, null, wrapped: noted.WrappedValue);
                        break;
                    }
                    if (level >= _depth && (_converter == null || !_converter.MayBePropertyBag(value))) return EncodeAsString(value, tag, payload);
                    if (_converter != null)
                    {
                        // A property bag read into an array this writer reuses, without a description of its own.
                        object[] rented = RentValues();
                        object[] bag = rented;
                        if (_converter.TryDescribePropertyBag(value, ref bag, out var bagTypeNames, out var bagNames, out var bagStandard) && bag != null && bagTypeNames != null && bagNames != null)
                        {
                            if (!ReferenceEquals(bag, rented)) ReturnValues(rented);
                            _bagLength = bag.Length;
                            t = NodeTags.Record;
                            offset = WriteRecord(bagTypeNames, bagNames, bag, true, level, _converter.KeepsUnstorableAsText(bagTypeNames), null, null, bag, standard: bagStandard);
                            break;
                        }
                        ReturnValues(rented);
                        if (bag != null && !ReferenceEquals(bag, rented)) ReturnValues(bag);
                    }
                    if (_converter != null && _converter.TryDescribe(value, out var description) && description != null)
                    {
                        if (!description.IsPropertyBag && level >= _depth) return EncodeAsString(value, tag, payload);
                        t = NodeTags.Record;
                        offset = WriteRecord(description.TypeNames, description.Names, description.Values, description.IsPropertyBag,
                            description.IsPropertyBag ? level : level + 1, !description.IsPropertyBag || _converter.KeepsUnstorableAsText(description.TypeNames),
                            description.IsPropertyBag ? null : description.ToStringText, description.IsPropertyBag ? null : description.InstanceMembers,
                            adaptedFrom: description.IsPropertyBag ? -1 : description.AdaptedFrom, standard: description.IsPropertyBag ? description.StandardMembers : null);
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
                    offset = WriteRecord(profile.TypeChain, profile.PropertyNames, values, false, level + 1, true, null);
                    break;
                }
            }

            *tag = t;
            *payload = (ulong)offset;
            if (!profile.IsValueType) _memo.Add(value, t, (ulong)offset);
            return value;
        }

        // Set while a dictionary's key is encoded (a key is a leaf or a queued composite, so nothing below it is encoded meanwhile).
        private bool _encodingKey;

        /// <summary>True for a value the value slot of a value with notes holds: a scalar, inline or a scalar node.</summary>
        // What the value slot of a value with notes holds: a scalar, or (format 1.6) a list (an array of lines with notes).
        private bool IsWrappable(object value)
        {
            var kind = ProfileOf(value.GetType()).Kind;
            return kind == StoredKind.Inline || kind == StoredKind.String || kind == StoredKind.ScalarNode
                || kind == StoredKind.List || kind == StoredKind.PackedArray || kind == StoredKind.PackedList || kind == StoredKind.AncientList;
        }

        /// <summary>A value with notes stored as the value alone.</summary>
        private object EncodeBare(object value, int level, bool lenient, byte* tag, ulong* payload)
            => EncodeProfiled(value, ProfileOf(value.GetType()), level, lenient, tag, payload);

        /// <summary>
        /// The collection type a list or dictionary is stored as: its own, except inside a .NET object, where it is what
        /// Import-Clixml gives back for any list or dictionary there (an ArrayList, a Hashtable), as a stored .NET object
        /// is its serializer's copy.
        /// </summary>
        private string CollectionName(string name, bool dictionary)
            => !_adapted ? name : dictionary ? "System.Collections.Hashtable" : "System.Collections.ArrayList";

        /// <summary>
        /// Inside a .NET object, the names of the collection's type and its base types, which Import-Clixml's copy keeps
        /// (format 1.4, <see cref="DeserializedNames"/>); null elsewhere, or where they cannot be listed.
        /// </summary>
        private string OriginalNames(object collection) => _adapted ? DeserializedNames.Of(collection.GetType()) : null;

        private static string Joined(IReadOnlyList<string> names) => names == null ? null : string.Join(DeserializedNames.Separator.ToString(), names);

        private AncientUnsupportedTypeException Refusal(string reason, Type type)
        {
            string path = _stack.CurrentPath();
            return new AncientUnsupportedTypeException(path.Length == 0 ? reason : $"{path}: {reason}", type, path);
        }

        private object EncodeAsString(object value, byte* tag, ulong* payload)
        {
            string s;
            try { s = value.ToString() ?? ""; }
            catch (Exception) { s = TypeNames.Of(value.GetType()); }
            WriteString(s, tag, payload);
            return s;
        }

        public void WriteString(string s, byte* tag, ulong* payload)
        {
            if (StringCodec.TryPackShort(s, out *tag, out *payload)) return;
            if (_memo.TryGet(s, tag, payload)) return;
            // Equal short strings that are different instances share one node too: a string reads back the same from either.
            bool byValue = s.Length <= SharedStringLength;
            if (byValue && _strings != null && _strings.TryGetValue(s, out long shared))
            {
                *tag = NodeTags.String;
                *payload = (ulong)shared;
                return;
            }
            long offset = StringNode.Write(this, s);
            *tag = NodeTags.String;
            *payload = (ulong)offset;
            _memo.Add(s, NodeTags.String, (ulong)offset);
            if (byValue) (_strings ?? (_strings = new Dictionary<string, long>(StringComparer.Ordinal)))[s] = offset;
        }

        // Strings up to this length are shared by value within a write (longer ones by identity only, so a write of many
        // long distinct strings does not hash each one in full twice).
        private const int SharedStringLength = 64;
        private Dictionary<string, long> _strings;

        // Property bags' value arrays, reused once their record is written (its frame popped): a write of many records
        // of one shape then allocates none. At most one array per level of nesting is out at a time.
        private const int MaximumSpareValues = 64;
        private readonly List<object[]> _spareValues = new List<object[]>();
        private int _bagLength = -1;

        private object[] RentValues()
        {
            var spare = _spareValues;
            for (int i = spare.Count - 1; i >= 0; i--)
            {
                var values = spare[i];
                if (values.Length != _bagLength) continue;
                spare.RemoveAt(i);
                return values;
            }
            return _bagLength >= 0 ? new object[_bagLength] : null;
        }

        private void ReturnValues(object[] values)
        {
            if (values == null || _spareValues.Count >= MaximumSpareValues) return;
            Array.Clear(values, 0, values.Length);
            _spareValues.Add(values);
        }

        // originalNames: a deserialized list's (DeserializedNames), stored as its name; null for any other list.
        private long WriteList(string typeName, IReadOnlyList<object> items, int level, bool lenient, string originalNames = null)
        {
            int count = items.Count;
            bool deserialized = originalNames != null;
            ushort code = deserialized ? CollectionCodes.Named : CollectionCodes.CodeOf(typeName);
            long name = deserialized ? Name(originalNames) : code == CollectionCodes.Named ? Name(typeName) : 0;
            if (_firstCompositeName == null) _firstCompositeName = typeName;
            // The leaves first: a list of leaves only (scalars, strings...) is written narrow, its payloads as wide as
            // its widest needs. At the first element that is not a leaf, the list is written classic, the leaves found so far
            // copied in, and the frame encodes the rest.
            int leaves = 0;
            byte widthLog = 0;
            if (!_classic && count > 0)
            {
                byte leafTag;
                ulong leafPayload;
                // The buffers grow with the leaves found, not with the list: a long list of records has none.
                while (leaves < count && TryEncodeLeaf(items[leaves], level, lenient, &leafTag, &leafPayload))
                {
                    if (leaves == _listTags.Length)
                    {
                        int grown = (int)Math.Min(count, 2L * _listTags.Length);
                        Array.Resize(ref _listTags, grown);
                        Array.Resize(ref _listPayloads, grown);
                    }
                    _listTags[leaves] = leafTag;
                    _listPayloads[leaves] = leafPayload;
                    widthLog = Math.Max(widthLog, RecordLayout.WidthLogOf(leafPayload));
                    leaves++;
                    Tick();
                }
            }
            ListNode node = leaves == count && !_classic
                ? ListNode.WriteNarrow(this, code, name, count, widthLog, out long offset, deserialized)
                : ListNode.Write(this, code, name, count, out offset, deserialized);
            for (int i = 0; i < leaves; i++) node.Put(i, _listTags[i], _listPayloads[i]);
            if (leaves < count)
            {
                var f = _stack.PushSlots(node.Tags, node.Payloads, items, null, level, lenient, _adapted);
                f.Next = leaves;
            }
            return offset;
        }

        // originalNames: a deserialized dictionary's (DeserializedNames), stored as its name; null for any other dictionary.
        // lenient: inside a .NET object, where what cannot be stored is kept as its text (as for its properties).
        private long WriteDictionary(string typeName, bool ignoreCase, object[] keys, object[] values, int level, string originalNames = null, bool lenient = false)
        {
            Debug.Assert(keys.Length == values.Length);
            int count = keys.Length;
            DictionaryNode.IndexCapacity(count); // refuses a dictionary too large to index before anything is written
            long name = Name(originalNames ?? typeName);
            var node = DictionaryNode.Write(this, ignoreCase, count, name, out long offset, originalNames != null);
            if (_firstCompositeName == null) _firstCompositeName = typeName;
            if (count > 0)
            {
                var f = _stack.Push(WriteFrameKind.Dictionary, level, lenient, _adapted);
                f.Tags = node.Tags;
                f.Payloads = node.Payloads;
                f.Dictionary = node;
                f.Count = 2 * count;
                f.Keys = keys;
                f.Values = values;
                f.Hashes = new uint[count];
                f.IgnoreCase = ignoreCase;
            }
            return offset;
        }

        // spare: the array values is, when the writer reuses it once the record is written; null otherwise.
        private long WriteRecord(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag, int childLevel, bool lenient,
            string text, IReadOnlyList<bool> keepLevel = null, object[] spare = null, int adaptedFrom = -1, object wrapped = null, StandardMembers standard = null)
        {
            if (names.Count != values.Count) throw new ArgumentException("A record's names and values differ in count.");
            Debug.Assert(text == null || !isPropertyBag, "a property bag has no text of its own");
            Debug.Assert(wrapped == null || (!isPropertyBag && text == null && adaptedFrom < 0 && !_classic), "a value with notes has no text and no adapted properties");
            if (_classic)
            {
                long classic = WriteClassicRecord(typeNames, names, values, isPropertyBag, childLevel, lenient, text, keepLevel, adaptedFrom);
                if (names.Count > 0) _stack.Top.SpareValues = spare;
                else ReturnValues(spare);
                return classic;
            }
            int count = names.Count;
            int slots = text != null || wrapped != null ? count + 1 : count;
            if (_slotTags.Length < slots)
            {
                _slotTags = new byte[Math.Max(slots, 2 * _slotTags.Length)];
                _slotPayloads = new ulong[_slotTags.Length];
            }
            // The leaves first (scalars, strings, scalar nodes, packed lists), so the layout can give each its width and
            // tag; the slots of nested composites are left pending, filled by the frame below once the record exists.
            int pending = 0;
            fixed (byte* tags = _slotTags)
            fixed (ulong* payloads = _slotPayloads)
            {
                for (int i = 0; i < count; i++)
                {
                    int level = keepLevel != null && keepLevel.Count == count && keepLevel[i] ? childLevel - 1 : childLevel;
                    if (TryEncodeLeaf(values[i], level, lenient, tags + i, payloads + i)) continue;
                    tags[i] = RecordLayout.PendingTag;
                    payloads[i] = 0;
                    pending++;
                }
                // The text slot, after the properties: the record's own text.
                if (text != null) WriteString(text, tags + count, payloads + count);
                // The value slot, after the notes: the value of a value with notes (a scalar: it queues nothing).
                else if (wrapped != null) EncodeBare(wrapped, childLevel, lenient, tags + count, payloads + count);
            }
            var entry = _shapes.Entry(typeNames, names, isPropertyBag, text != null, adaptedFrom, wrapped != null, standard);
            var layout = entry.Fit(_slotTags, _slotPayloads, slots, out long shape);
            if (!RecordNode.CanReach(shape)) throw new InvalidOperationException("A record shape lies beyond the 2^56-byte offsets a record header can hold.");
            byte* node = RecordNode.Write(this, shape, layout, out long offset);
            for (int i = 0; i < slots; i++)
            {
                byte t = _slotTags[i];
                if (t == RecordLayout.PendingTag) node[layout.TagAt(i)] = RecordLayout.PendingTag;
                else layout.Put(node, i, t, _slotPayloads[i]);
            }
            if (_firstCompositeName == null) _firstCompositeName = typeNames.Count > 0 ? typeNames[0] : "System.Object";
            if (pending > 0)
            {
                var f = _stack.PushSlots(null, null, values, names, childLevel, lenient, _adapted || (!isPropertyBag && wrapped == null));
                f.Node = node;
                f.Layout = layout;
                if (keepLevel != null && keepLevel.Count == count) f.KeepLevel = keepLevel;
                f.SpareValues = spare;
            }
            else ReturnValues(spare);
            return offset;
        }

        /// <summary>A record of the classic layout (format 1.1): allocated first, its slots filled by the frame in order.</summary>
        private long WriteClassicRecord(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag, int childLevel, bool lenient,
            string text, IReadOnlyList<bool> keepLevel, int adaptedFrom)
        {
            long shape = _shapes.Shape(typeNames, names, isPropertyBag, text != null, adaptedFrom);
            if (!RecordNode.CanReach(shape)) throw new InvalidOperationException("A record shape lies beyond the 2^56-byte offsets a record header can hold.");
            int count = names.Count;
            byte* tags = RecordNode.Write(this, shape, text != null ? count + 1 : count, out ulong* payloads, out long offset);
            // The text slot, after the properties: the record's own text, written now (the frame below fills the properties).
            if (text != null) WriteString(text, tags + count, payloads + count);
            if (_firstCompositeName == null) _firstCompositeName = typeNames.Count > 0 ? typeNames[0] : "System.Object";
            if (count > 0)
            {
                var f = _stack.PushSlots(tags, payloads, values, names, childLevel, lenient, _adapted || !isPropertyBag);
                if (keepLevel != null && keepLevel.Count == count) f.KeepLevel = keepLevel;
            }
            return offset;
        }
    }
}

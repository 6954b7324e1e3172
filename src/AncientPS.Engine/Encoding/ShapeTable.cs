using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The names and record shapes of one write, each written once (docs/format-values.md "Shape"): a name is a string
    /// node every shape and enum of the write refers to, and a shape is shared by every record of the same type names,
    /// property names and flags. In format 1.2 a shape also lays out its records' slots (<see cref="RecordLayout"/>): the
    /// first record of a kind fixes the layout, and a record that does not fit it gets a new shape whose layout is wide
    /// enough for both (a slot's width only grows, and a fixed tag only becomes a tag held by each record), so that one
    /// kind of record has a handful of shapes at most.
    /// </summary>
    internal sealed class ShapeTable
    {
        private readonly INodeSink _sink;
        private readonly Dictionary<string, long> _names = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Dictionary<ShapeKey, ShapeEntry> _shapes = new Dictionary<ShapeKey, ShapeEntry>();
        private readonly bool _classic;

        // The last shape asked for: records of one type usually come in runs.
        private object _lastTypes, _lastNames;
        private string[] _lastTypeCopy, _lastNameCopy;
        private ShapeEntry _last;
        private byte _lastFlags;
        private int _lastAdaptedFrom;
        private StandardMembers _lastStandard;

        public ShapeTable(INodeSink sink, bool classic = false)
        {
            _sink = sink;
            _classic = classic;
        }

        /// <summary>Type and property names: written once per write, and never inline, so a name is always a node offset.</summary>
        public long Name(string s)
        {
            if (s == null) s = "";
            if (_names.TryGetValue(s, out long offset)) return offset;
            offset = StringNode.Write(_sink, s);
            _names[s] = offset;
            return offset;
        }

        /// <summary>The offset of the classic shape node (format 1.1) for these names and flag, written on first use.</summary>
        public long Shape(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, bool isPropertyBag, bool hasText = false, int adaptedFrom = -1, bool wrapsValue = false)
        {
            var entry = Entry(typeNames, names, isPropertyBag, hasText, adaptedFrom, wrapsValue);
            if (entry.ClassicOffset == 0)
                entry.ClassicOffset = ShapeNode.Write(_sink, isPropertyBag, hasText, entry.TypeCount, entry.NameOffsets, adaptedFrom, wrapsValue);
            return entry.ClassicOffset;
        }

        /// <summary>
        /// The records of these names and flags: their name nodes are written on first use, their shapes as records need
        /// them. <paramref name="adaptedFrom"/>: the index of the first of a .NET object's adapted properties, or -1;
        /// <paramref name="wrapsValue"/>: records that are a value with notes (format 1.5), the value in the slot after the notes;
        /// <paramref name="standard"/>: a property bag's standard members (format 1.6), or null (never kept in the classic layout).
        /// </summary>
        public ShapeEntry Entry(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, bool isPropertyBag, bool hasText = false, int adaptedFrom = -1,
            bool wrapsValue = false, StandardMembers standard = null)
        {
            if (isPropertyBag || adaptedFrom >= names.Count) adaptedFrom = -1;
            if (!isPropertyBag || _classic) standard = null;
            byte flags = (byte)((isPropertyBag ? ShapeNode.PropertyBagFlag : 0) | (hasText ? ShapeNode.TextFlag : 0) | (adaptedFrom >= 0 ? ShapeNode.AdaptedFlag : 0)
                | (wrapsValue ? ShapeNode.ValueFlag : 0) | (standard != null ? ShapeNode.StandardFlag : 0));
            bool sameStandard = ReferenceEquals(standard, _lastStandard) || (standard != null && standard.Equals(_lastStandard));
            // Reflection hands the same arrays for every object of a type: skip the lookup then.
            if (ReferenceEquals(typeNames, _lastTypes) && ReferenceEquals(names, _lastNames) && _last != null && _lastFlags == flags && _lastAdaptedFrom == adaptedFrom
                && sameStandard)
                return _last;
            // Consecutive records of one shape usually repeat the same name strings: compare before hashing.
            if (_last != null && _lastFlags == flags && _lastAdaptedFrom == adaptedFrom && sameStandard && SameNames(typeNames, _lastTypeCopy) && SameNames(names, _lastNameCopy))
            {
                _lastTypes = typeNames;
                _lastNames = names;
                return _last;
            }
            var probe = new ShapeKey(typeNames, names, flags, adaptedFrom, standard);
            if (!_shapes.TryGetValue(probe, out ShapeEntry entry))
            {
                var typeCopy = Copy(typeNames);
                var nameCopy = Copy(names);
                int t = typeCopy.Length, n = nameCopy.Length;
                var offsets = new long[t + n];
                for (int i = 0; i < t; i++) offsets[i] = Name(typeCopy[i]);
                for (int i = 0; i < n; i++) offsets[t + i] = Name(nameCopy[i]);
                if (((long)t + n) * 8 > int.MaxValue) throw new ArgumentException("A record has too many properties.");
                var standardWords = standard != null ? ShapeNode.EncodeStandard(standard, Name) : null;
                entry = new ShapeEntry(_sink, isPropertyBag, hasText, t, offsets, adaptedFrom, wrapsValue, standardWords);
                if (_classic) entry.ClassicOffset = ShapeNode.Write(_sink, isPropertyBag, hasText, t, offsets, adaptedFrom, wrapsValue);
                _shapes[new ShapeKey(typeCopy, nameCopy, flags, adaptedFrom, standard)] = entry;
                _lastTypeCopy = typeCopy;
                _lastNameCopy = nameCopy;
            }
            else
            {
                _lastTypeCopy = Copy(typeNames);
                _lastNameCopy = Copy(names);
            }
            _lastTypes = typeNames;
            _lastNames = names;
            _last = entry;
            _lastStandard = standard;
            _lastFlags = flags;
            _lastAdaptedFrom = adaptedFrom;
            return entry;
        }

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

        /// <summary>The records of one set of type names, property names and flags, and the shape nodes written for them.</summary>
        internal sealed class ShapeEntry
        {
            private readonly INodeSink _sink;
            private readonly bool _isPropertyBag, _hasText, _wrapsValue;
            private readonly int _adaptedFrom;
            private readonly ulong[] _standardWords;
            private byte[] _widthLog, _fixedTag;
            private RecordLayout _layout;
            private long _offset;

            public ShapeEntry(INodeSink sink, bool isPropertyBag, bool hasText, int typeCount, long[] nameOffsets, int adaptedFrom, bool wrapsValue, ulong[] standardWords = null)
            {
                _standardWords = standardWords;
                _wrapsValue = wrapsValue;
                _sink = sink;
                _adaptedFrom = adaptedFrom;
                _isPropertyBag = isPropertyBag;
                _hasText = hasText;
                TypeCount = typeCount;
                NameOffsets = nameOffsets;
            }

            public int TypeCount { get; }
            public long[] NameOffsets { get; }
            /// <summary>The shape node of format 1.1, when the write writes that format.</summary>
            public long ClassicOffset { get; set; }

            /// <summary>
            /// The layout of a record whose slots are <paramref name="tags"/> and <paramref name="payloads"/> (a tag of
            /// <see cref="RecordLayout.PendingTag"/> for a slot filled later, which needs a tag byte and 8 bytes), and the
            /// offset of its shape node: the current shape's when the record fits it, else a new, wider one.
            /// </summary>
            public RecordLayout Fit(byte[] tags, ulong[] payloads, int slots, out long shape)
            {
                Debug.Assert(slots == NameOffsets.Length - TypeCount + (_hasText || _wrapsValue ? 1 : 0));
                if (_layout != null && Fits(tags, payloads, slots))
                {
                    shape = _offset;
                    return _layout;
                }
                var widthLog = new byte[slots];
                var fixedTag = new byte[slots];
                for (int i = 0; i < slots; i++)
                {
                    byte tag = tags[i];
                    bool pending = tag == RecordLayout.PendingTag;
                    byte w = pending ? (byte)3 : RecordLayout.WidthLogOf(payloads[i]);
                    byte fixedAs = pending || !ScalarCodec.IsInlineTag(tag) ? RecordLayout.VariableTag : tag;
                    if (_layout != null)
                    {
                        w = Math.Max(w, _widthLog[i]);
                        if (_fixedTag[i] != fixedAs) fixedAs = RecordLayout.VariableTag;
                    }
                    widthLog[i] = w;
                    fixedTag[i] = fixedAs;
                }
                _widthLog = widthLog;
                _fixedTag = fixedTag;
                _layout = RecordLayout.Compact(widthLog, fixedTag);
                _offset = ShapeNode.Write(_sink, _isPropertyBag, _hasText, TypeCount, NameOffsets, widthLog, fixedTag, _adaptedFrom, _wrapsValue, _standardWords);
                Debug.Assert(_offset > 0 && (_offset & 7) == 0, "a shape is a node");
                shape = _offset;
                return _layout;
            }

            private bool Fits(byte[] tags, ulong[] payloads, int slots)
            {
                for (int i = 0; i < slots; i++)
                {
                    byte tag = tags[i];
                    byte fixedTag = _fixedTag[i];
                    if (tag == RecordLayout.PendingTag)
                    {
                        if (fixedTag != RecordLayout.VariableTag || _widthLog[i] != 3) return false;
                        continue;
                    }
                    if (fixedTag != RecordLayout.VariableTag && fixedTag != tag) return false;
                    if (RecordLayout.WidthLogOf(payloads[i]) > _widthLog[i]) return false;
                }
                return true;
            }
        }

        /// <summary>Shape identity: type names, property names (ordinal), the flags (property bag, text slot) and where adapted properties start.</summary>
        private readonly struct ShapeKey : IEquatable<ShapeKey>
        {
            private readonly IReadOnlyList<string> _types;
            private readonly IReadOnlyList<string> _names;
            private readonly byte _flags;
            private readonly int _adaptedFrom;
            private readonly StandardMembers _standard;
            private readonly int _hash;

            public ShapeKey(IReadOnlyList<string> types, IReadOnlyList<string> names, byte flags, int adaptedFrom, StandardMembers standard)
            {
                _standard = standard;
                _types = types;
                _names = names;
                _flags = flags;
                _adaptedFrom = adaptedFrom;
                int h = (flags * 31 + adaptedFrom) * 31 + (standard?.GetHashCode() ?? 0);
                for (int i = 0; i < types.Count; i++) h = h * 31 + (types[i]?.GetHashCode() ?? 0);
                h = h * 17 + names.Count;
                for (int i = 0; i < names.Count; i++) h = h * 31 + (names[i]?.GetHashCode() ?? 0);
                _hash = h;
            }

            public bool Equals(ShapeKey other)
            {
                if (_hash != other._hash || _flags != other._flags || _adaptedFrom != other._adaptedFrom || _types.Count != other._types.Count || _names.Count != other._names.Count) return false;
                if (!Equals(_standard, other._standard)) return false;
                for (int i = 0; i < _types.Count; i++) if (!string.Equals(_types[i] ?? "", other._types[i] ?? "", StringComparison.Ordinal)) return false;
                for (int i = 0; i < _names.Count; i++) if (!string.Equals(_names[i] ?? "", other._names[i] ?? "", StringComparison.Ordinal)) return false;
                return true;
            }

            public override bool Equals(object obj) => obj is ShapeKey k && Equals(k);
            public override int GetHashCode() => _hash;
        }
    }
}

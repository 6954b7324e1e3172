using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine
{
    /// <summary>
    /// A read-only view of a record stored in a heap: a property bag (such as a PSCustomObject) or the public properties
    /// of a .NET object. Names compare ignoring case, as PowerShell property names do; a missing name reads as null.
    /// </summary>
    public sealed unsafe class AncientRecord : IAncientNode
    {
        private readonly NodeContext _context;
        private readonly long _offset;
        private readonly RecordShape _shape;
        private readonly byte* _node;
        private readonly RecordLayout _layout;

        internal AncientRecord(NodeContext context, long offset)
            : this(context, offset, context.GetShape(RecordNode.ReadShapeOffset(context, offset)))
        {
        }

        /// <summary>Opens a record whose header was read already (<see cref="StoredRecord"/>).</summary>
        internal AncientRecord(NodeContext context, long offset, RecordShape shape)
        {
            _context = context;
            _offset = offset;
            _shape = shape;
            Debug.Assert(ReferenceEquals(shape.Context, context), "a shape is decoded once per read context and used only in it");
            _node = RecordNode.Open(context, offset, shape);
            _layout = shape.Layout;
        }

        public MappedHeap Heap => _context.Space.Heap;
        public string Key => _context.Key;
        public long Offset => _offset;

        public int Count => _shape.Count;

        /// <summary>The property names, in order.</summary>
        public IReadOnlyList<string> Names => _shape.NamesView;

        /// <summary>The type names, most derived first (as PowerShell's PSTypeNames).</summary>
        public IReadOnlyList<string> TypeNames => _shape.TypeNamesView;

        /// <summary>True for a data record (a property bag such as a PSCustomObject); false for a .NET object stored by its properties.</summary>
        public bool IsPropertyBag => _shape.IsPropertyBag;

        /// <summary>
        /// For a .NET object stored by its properties: the index of the first of its adapted properties (the public
        /// properties of its type; those before it are its extended members), or -1 when the record does not tell them
        /// apart (a property bag, or a record written before format 1.3).
        /// </summary>
        public int AdaptedFrom => _shape.AdaptedFrom;

        /// <summary>
        /// The text the original object gave (its ToString, as PowerShell converts it to a string), stored with a .NET object
        /// stored by its properties; null for a property bag and for a record stored without it.
        /// </summary>
        public string ToStringText
        {
            get
            {
                if (!_shape.HasText) return null;
                var space = _context.Space;
                space.EnterRead();
                try { return ReadText(_context, _node, _layout, _shape.Count); }
                finally { space.ExitRead(); }
            }
        }

        /// <summary>
        /// True for a value with notes (format 1.5): a scalar, <see cref="WrappedValue"/>, with note properties of its own
        /// (the record's properties), such as a line Get-Content gives with its PSPath and ReadCount.
        /// </summary>
        public bool WrapsValue => _shape.WrapsValue;

        /// <summary>
        /// What the host keeps about presenting a property bag (format 1.6, PowerShell's PSStandardMembers: its default
        /// display and key properties), known from the shape; null when the record has none.
        /// </summary>
        public StandardMembers StandardMembers => _shape.Standard;

        /// <summary>The value of a value with notes (<see cref="WrapsValue"/>); null for any other record.</summary>
        public object WrappedValue
        {
            get
            {
                if (!_shape.WrapsValue) return null;
                var space = _context.Space;
                space.EnterRead();
                try { return ReadWrapped(_context, _node, _layout, _shape.Count, _offset); }
                finally { space.ExitRead(); }
            }
        }

        /// <summary>The value slot at <paramref name="index"/> (after the notes): a scalar; anything else is damage.</summary>
        internal static object ReadWrapped(NodeContext context, byte* node, RecordLayout layout, int index, long offset)
        {
            byte tag = layout.Tag(node, index);
            if (!NodeTags.IsWrappable(tag)) throw Corrupt.Node(offset, $"holds tag 0x{tag:X2} as the value of a value with notes; it holds a scalar or a list");
            return context.ReadSlot(tag, layout.Payload(node, index), false);
        }

        /// <summary>The text slot at <paramref name="index"/> (after the properties): a string, or null.</summary>
        internal static string ReadText(NodeContext context, byte* node, RecordLayout layout, int index)
        {
            byte tag = layout.Tag(node, index);
            return tag == NodeTags.Null ? null : context.ReadStringSlot(tag, layout.Payload(node, index));
        }

        /// <summary>The record node's slots: one per property, and the text slot when the record has one.</summary>
        internal int SlotCount => _shape.SlotCount;

        public string GetName(int index)
        {
            if ((uint)index >= (uint)_shape.Count) throw IndexError(index);
            return _shape.Names[index];
        }

        /// <summary>The index of the property named <paramref name="name"/> (ignoring case), or -1.</summary>
        public int IndexOf(string name) => _shape.IndexOf(name);

        public object GetValue(int index)
        {
            if ((uint)index >= (uint)_shape.Count) throw IndexError(index);
            var space = _context.Space;
            space.EnterRead();
            try { return _context.ReadSlot(_layout.Tag(_node, index), _layout.Payload(_node, index), true); }
            finally { space.ExitRead(); }
        }

        /// <summary>The value of the property named <paramref name="name"/> (ignoring case), or null when there is none.</summary>
        public object GetValue(string name)
        {
            int index = _shape.IndexOf(name);
            if (index < 0) return null;
            var space = _context.Space;
            space.EnterRead();
            try { return _context.ReadSlot(_layout.Tag(_node, index), _layout.Payload(_node, index), true); }
            finally { space.ExitRead(); }
        }

        public bool TryGetValue(string name, out object value)
        {
            int index = _shape.IndexOf(name);
            if (index < 0)
            {
                value = null;
                return false;
            }
            value = GetValue(index);
            return true;
        }

        public object this[string name] => GetValue(name);

        internal object GetRawValue(int index)
        {
            var space = _context.Space;
            space.EnterRead();
            try { return _context.ReadSlot(_layout.Tag(_node, index), _layout.Payload(_node, index), false); }
            finally { space.ExitRead(); }
        }

        /// <summary>Property <paramref name="index"/> as a copy into a heap takes it (<see cref="NodeContext.ReadSlotForCopy"/>).</summary>
        internal object GetCopyValue(int index)
        {
            var space = _context.Space;
            space.EnterRead();
            try { return _context.ReadSlotForCopy(_layout.Tag(_node, index), _layout.Payload(_node, index)); }
            finally { space.ExitRead(); }
        }

        internal void GetSlot(int index, out byte tag, out ulong payload)
        {
            tag = _layout.Tag(_node, index);
            payload = _layout.Payload(_node, index);
        }

        /// <summary>The values without projection, for copying into a heap.</summary>
        internal IReadOnlyList<object> RawValues() => new RawView(this);

        internal NodeContext Context => _context;

        internal RecordShape Shape => _shape;

        public override bool Equals(object obj) => obj is AncientRecord other && other._offset == _offset && ReferenceEquals(other._context.Space, _context.Space);

        public override int GetHashCode() => _offset.GetHashCode() ^ RuntimeHelpers.GetHashCode(_context.Space);

        /// <summary>
        /// The original's text (<see cref="ToStringText"/>) when stored; a value with notes gives its value's text;
        /// otherwise as PowerShell shows a PSCustomObject in a string: @{Id=1; Name=x}.
        /// </summary>
        public override string ToString() => ToStringText ?? (WrapsValue ? FormatValue(WrappedValue, 0) : Format(0));

        private string Format(int nesting)
        {
            var sb = new StringBuilder("@{");
            for (int i = 0; i < Count; i++)
            {
                if (i > 0) sb.Append("; ");
                sb.Append(_shape.Names[i]).Append('=');
                object v;
                try { v = GetRawValue(i); }
                catch (AncientHeapCorruptException) { v = "?"; }
                sb.Append(FormatValue(v, nesting));
            }
            return sb.Append('}').ToString();
        }

        internal static string FormatValue(object v, int nesting)
        {
            switch (v)
            {
                case null: return "";
                case AncientRecord r: return nesting < 1 ? r.Format(nesting + 1) : (r.TypeNames.Count > 0 ? r.TypeNames[0] : "@{...}");
                case AncientList l: return l.CollectionTypeName;
                case AncientDictionary d: return d.DictionaryTypeName;
                case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
                default: return v.ToString();
            }
        }

        private ArgumentOutOfRangeException IndexError(int index) =>
            new ArgumentOutOfRangeException(nameof(index), index, $"The record has {_shape.Count} properties.");

        private sealed class RawView : IReadOnlyList<object>
        {
            private readonly AncientRecord _record;
            public RawView(AncientRecord record) { _record = record; }
            public object this[int index] => _record.GetCopyValue(index);
            public int Count => _record.Count;
            public IEnumerator<object> GetEnumerator() { for (int i = 0; i < Count; i++) yield return this[i]; }
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}

using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine
{
    /// <summary>
    /// A stored record not yet opened as an <see cref="AncientRecord"/> view: what a <see cref="ValueProjection"/> receives,
    /// so that a host that wraps every record in an object of its own (the PowerShell module does) allocates only that
    /// wrapper per record read. It reads like the view: names, index of a name, value by index; <see cref="Open"/> gives the view.
    /// </summary>
    public readonly unsafe struct StoredRecord : IEquatable<StoredRecord>
    {
        // Two fields, so that a host's wrapper holding one stays small: the shape knows the read context it belongs to.
        private readonly RecordShape _shape;
        private readonly long _offset;

        /// <summary>Reads the record's header; the caller holds the read guard.</summary>
        internal StoredRecord(NodeContext context, long offset)
        {
            _shape = context.GetShape(RecordNode.ReadShapeOffset(context, offset));
            _offset = offset;
        }

        /// <summary>The record a view shows, unopened.</summary>
        public StoredRecord(AncientRecord record)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            _shape = record.Shape;
            _offset = record.Offset;
        }

        /// <summary>False for the default value, which stands for no record.</summary>
        public bool IsValid => _shape != null;

        public MappedHeap Heap => _shape.Context.Space.Heap;

        /// <summary>
        /// True when the record was read by a process that could not publish a pin for its snapshot (the file is not
        /// writable here, or every reader slot was taken): reading it later may fail with
        /// <see cref="AncientSnapshotExpiredException"/> once a writer reuses the snapshot's space.
        /// </summary>
        public bool IsUnpinned => _shape.Context.Space is Storage.SnapshotSpace space && !space.IsPinned;
        public long Offset => _offset;
        public int Count => _shape.Count;

        /// <summary>The property names, in order. Records of one shape (in one read) return the same list instance.</summary>
        public IReadOnlyList<string> Names => _shape.NamesView;

        /// <summary>The type names, most derived first. Records of one shape (in one read) return the same list instance.</summary>
        public IReadOnlyList<string> TypeNames => _shape.TypeNamesView;

        /// <summary>True for a record stored from a property bag (a PSCustomObject); false for a .NET object stored as its properties.</summary>
        public bool IsPropertyBag => _shape.IsPropertyBag;

        /// <summary>
        /// For a .NET object stored by its properties: the index of the first of its adapted properties (the public
        /// properties of its type; those before it are its extended members), or -1 when the record does not tell them
        /// apart (a property bag, or a record written before format 1.3).
        /// </summary>
        public int AdaptedFrom => _shape.AdaptedFrom;

        /// <summary>
        /// True when the record is referred to more than once in its value (format 1.3): a host that projects records as
        /// objects of its own gives one object for it within a read (<see cref="KeepProjection"/>), as the original graph
        /// had one. The caller holds the read guard.
        /// </summary>
        public bool IsShared => RecordNode.IsShared(_shape.Context, _offset);

        /// <summary>The host's object already kept for this shared record in its read, or null.</summary>
        public object KeptProjection => _shape.Context.SharedProjection(_offset);

        /// <summary>Keeps the host's object for this shared record in its read; returns the one kept (another thread's, if it came first).</summary>
        public object KeepProjection(object projected) => _shape.Context.KeepSharedProjection(_offset, projected);

        /// <summary>The index of the property named <paramref name="name"/> (ignoring case), or -1.</summary>
        public int IndexOf(string name) => _shape.IndexOf(name);

        /// <summary>The value of the property at <paramref name="index"/>, projected as the read that found the record projects.</summary>
        public object GetValue(int index)
        {
            int n = _shape.Count;
            if ((uint)index >= (uint)n) throw new ArgumentOutOfRangeException(nameof(index), index, $"The record has {n} properties.");
            var context = _shape.Context;
            var space = context.Space;
            space.EnterRead();
            try
            {
                byte* node = RecordNode.Open(context, _offset, _shape);
                var layout = _shape.Layout;
                return context.ReadSlot(layout.Tag(node, index), layout.Payload(node, index), true);
            }
            finally { space.ExitRead(); }
        }

        /// <summary>
        /// True when the record holds the text its original gave (a .NET object stored by its properties, whose ToString
        /// could be read when it was stored); known from the shape, without reading the record.
        /// </summary>
        public bool HasToStringText => _shape.HasText;

        /// <summary>The original's text (<see cref="AncientRecord.ToStringText"/>), or null when the record holds none.</summary>
        public string ToStringText
        {
            get
            {
                if (!_shape.HasText) return null;
                var context = _shape.Context;
                var space = context.Space;
                space.EnterRead();
                try
                {
                    byte* node = RecordNode.Open(context, _offset, _shape);
                    return AncientRecord.ReadText(context, node, _shape.Layout, _shape.Count);
                }
                finally { space.ExitRead(); }
            }
        }

        /// <summary>True for a value with notes (format 1.5, <see cref="AncientRecord.WrapsValue"/>); known from the shape.</summary>
        public bool WrapsValue => _shape.WrapsValue;

        /// <summary>The record's standard members (<see cref="AncientRecord.StandardMembers"/>); null when it has none.</summary>
        public StandardMembers StandardMembers => _shape.Standard;

        /// <summary>The value of a value with notes (<see cref="AncientRecord.WrappedValue"/>); null for any other record.</summary>
        public object WrappedValue
        {
            get
            {
                if (!_shape.WrapsValue) return null;
                var context = _shape.Context;
                var space = context.Space;
                space.EnterRead();
                try
                {
                    byte* node = RecordNode.Open(context, _offset, _shape);
                    return AncientRecord.ReadWrapped(context, node, _shape.Layout, _shape.Count, _offset);
                }
                finally { space.ExitRead(); }
            }
        }

        /// <summary>The record as a view.</summary>
        public AncientRecord Open()
        {
            if (_shape == null) throw new InvalidOperationException("This StoredRecord stands for no record.");
            return new AncientRecord(_shape.Context, _offset, _shape);
        }

        public bool Equals(StoredRecord other) => other._offset == _offset && ReferenceEquals(other._shape?.Context.Space, _shape?.Context.Space);

        public override bool Equals(object obj) => obj is StoredRecord other && Equals(other);

        public override int GetHashCode() => _offset.GetHashCode();
    }
}

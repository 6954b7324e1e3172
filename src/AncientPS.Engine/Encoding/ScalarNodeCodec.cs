using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// One scalar type stored as a node of its own (Decimal, Guid, Version ...): its tag, its .NET type, and its node's
    /// layout, write, read and dictionary-key hash in one place. <see cref="ScalarNodes"/> lists them; the writer, the
    /// reader, key hashing, materialization and the stored-type allow-list all go through that list.
    /// </summary>
    internal abstract unsafe class ScalarNodeCodec
    {
        protected ScalarNodeCodec(byte tag, Type type)
        {
            Tag = tag;
            Type = type;
        }

        /// <summary>The slot tag, which is also the node's kind (0x41..0x4F).</summary>
        public byte Tag { get; }

        /// <summary>The .NET type read back; null for a family of types (enums).</summary>
        public Type Type { get; }

        /// <summary>The stored name of <see cref="Type"/> (as <see cref="TypeNames.Of"/>), or null.</summary>
        public string TypeName => Type == null ? null : TypeNames.Of(Type);

        /// <summary>True when values of <paramref name="type"/> are written with this codec.</summary>
        public virtual bool Handles(Type type) => type == Type;

        /// <summary>For a value that sometimes fits a slot's payload (a small BigInteger): the inline form; false to write a node.</summary>
        public virtual bool TryWriteInline(object value, out byte tag, out ulong payload)
        {
            tag = 0;
            payload = 0;
            return false;
        }

        /// <summary>Writes <paramref name="value"/>'s node and returns its offset. <paramref name="typeName"/> is the stored name of the value's type.</summary>
        public abstract long Write(INodeSink sink, object value, string typeName);

        /// <summary>Reads the node at <paramref name="offset"/>, refusing a damaged one with <see cref="AncientHeapCorruptException"/>.</summary>
        public abstract object Read(NodeContext context, long offset);

        /// <summary>The hash a dictionary stores for <paramref name="key"/> (docs/format-values.md, the hash list).</summary>
        public abstract uint KeyHash(object key);
    }
}

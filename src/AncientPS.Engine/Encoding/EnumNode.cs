using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Enum (0x47), 24 bytes: kind; at 1, the underlying type's tag; at 2, flags; at 8, the value's bits as that tag's
    /// payload; at 16, the offset of the type name's string node; with flag bit 0 (format 1.6, <see cref="NamedFlag"/>) the
    /// node is 32 bytes and at 24 is the offset of a string node with the value's text (its ToString: "Gold", "Read,
    /// Write"). Read back as the enum when its type is allowed (<see cref="AncientEnumTypes"/>), else as the underlying
    /// number, or what the host's projection makes of the number and the text (<see cref="ValueProjection.ProjectEnum"/>).
    /// </summary>
    internal sealed unsafe class EnumNode : ScalarNodeCodec
    {
        public const int UnderlyingAt = 1;
        public const int FlagsAt = 2;
        public const int BitsAt = 8;
        public const int NameAt = 16;
        public const int TextAt = 24;
        public const int Size = 24;
        public const int NamedSize = 32;
        /// <summary>Flag bit 0 (format 1.6): the node holds the value's text at <see cref="TextAt"/>.</summary>
        public const byte NamedFlag = 1;

        public EnumNode() : base(NodeTags.Enum, null) { }

        public override bool Handles(Type type) => type.IsEnum || type == typeof(UnresolvedEnum);

        public override long Write(INodeSink sink, object value, string typeName)
        {
            // An enum this process has no type for (read without it and stored again): its own name, number and text.
            var unresolved = value as UnresolvedEnum;
            var e = value as Enum;
            long name = sink.Name(unresolved?.TypeName ?? typeName);
            // The value's text, for a reader without the type (format 1.6): names of one write are one node each.
            string textOf = unresolved != null ? unresolved.Text : e.ToString();
            long text = sink.WritesClassic || textOf == null ? 0 : sink.Name(textOf);
            byte* p = sink.Allocate(text != 0 ? NamedSize : Size, out long offset);
            p[0] = Tag;
            // Type.GetTypeCode of an enum type is its underlying type's.
            p[UnderlyingAt] = NodeTags.OfPrimitive(unresolved != null ? unresolved.Number.GetType() : e.GetType());
            *(ulong*)(p + BitsAt) = unresolved != null ? unresolved.Bits : Bits(e);
            *(long*)(p + NameAt) = name;
            if (text != 0)
            {
                p[FlagsAt] = NamedFlag;
                *(long*)(p + TextAt) = text;
            }
            return offset;
        }

        public override object Read(NodeContext context, long offset) => Read(context, offset, false);

        /// <summary>
        /// The enum when its type is allowed; else, with <paramref name="project"/> and a stored text, what the context's
        /// projection makes of the number and the text; else the number.
        /// </summary>
        public static object Read(NodeContext context, long offset, bool project)
        {
            object read = Decode(context, offset, out string typeName, out object number, out string text);
            if (read != null) return read;
            return project && text != null ? context.Projection.ProjectEnum(typeName, number, text) : number;
        }

        /// <summary>
        /// An enum node as a copy into a heap writes it again: the enum when its type is allowed, else an
        /// <see cref="UnresolvedEnum"/> with its name, number and text (null where the node has none), so that a copy
        /// (a value stored again, the other elements of an update in place) keeps the enum where a read without its type
        /// would give the number.
        /// </summary>
        public static object ReadForCopy(NodeContext context, long offset)
        {
            object read = Decode(context, offset, out string typeName, out object number, out string text);
            if (read != null) return read;
            // A Boolean or Char underneath (possible in IL, not in C#), or a node without a type name (damage a read
            // passes over): copied as that value, as before.
            if (!UnresolvedEnum.IsUnderlying(number) || string.IsNullOrEmpty(typeName)) return number;
            return new UnresolvedEnum(typeName, number, text);
        }

        /// <summary>
        /// Checks and decodes an enum node: returns the enum when its type is allowed, else null, with the node's type
        /// name, number and text (null where it has none) in every case.
        /// </summary>
        private static object Decode(NodeContext context, long offset, out string typeName, out object number, out string text)
        {
            byte* p = context.Node(offset, Size, NodeTags.Enum);
            byte underlying = p[UnderlyingAt];
            if (underlying < NodeTags.Boolean || underlying > NodeTags.UInt64) throw Corrupt.Node(offset, $"holds an enum of the unknown underlying tag 0x{underlying:X2}");
            byte flags = p[FlagsAt];
            if ((flags & ~NamedFlag) != 0) throw Corrupt.Node(offset, $"has unknown enum flags 0x{flags:X2}");
            ulong bits = *(ulong*)(p + BitsAt);
            number = ScalarCodec.DecodeInline(underlying, bits);
            typeName = context.ReadName(*(long*)(p + NameAt));
            // A named node's text is checked whether or not it is used (the verifier reads every node this way).
            text = null;
            if ((flags & NamedFlag) != 0) text = context.ReadName(*(long*)(context.Node(offset, NamedSize, NodeTags.Enum) + TextAt));
            if (AncientEnumTypes.TryGet(typeName, out var type) && NodeTags.OfPrimitive(Enum.GetUnderlyingType(type)) == underlying)
                return Enum.ToObject(type, number);
            return null;
        }

        /// <summary>Reads an enum key's type name and bits without loading its type (for dictionary lookups).</summary>
        public static void ReadKey(NodeContext context, long offset, out string typeName, out ulong bits)
        {
            byte* p = context.Node(offset, Size, NodeTags.Enum);
            bits = *(ulong*)(p + BitsAt);
            typeName = context.ReadName(*(long*)(p + NameAt));
        }

        public override uint KeyHash(object key)
        {
            if (key is UnresolvedEnum unresolved) return HashOf(unresolved.TypeName, unresolved.Bits);
            var e = (Enum)key;
            return HashOf(TypeNames.Of(e.GetType()), Bits(e));
        }

        public static uint HashOf(string typeName, ulong bits)
            => Encoding.KeyHash.Mix(unchecked(bits + Encoding.KeyHash.Golden * NodeTags.Enum)) ^ Encoding.KeyHash.String(typeName, false);

        /// <summary>The bits of an enum value zero-extended from its underlying type, as an enum node stores them.</summary>
        public static ulong Bits(Enum e)
        {
            switch (Type.GetTypeCode(Enum.GetUnderlyingType(e.GetType())))
            {
                case TypeCode.SByte: return (byte)Convert.ToSByte(e);
                case TypeCode.Int16: return (ushort)Convert.ToInt16(e);
                case TypeCode.Int32: return (uint)Convert.ToInt32(e);
                case TypeCode.Int64: return (ulong)Convert.ToInt64(e);
                case TypeCode.Byte: return Convert.ToByte(e);
                case TypeCode.UInt16: return Convert.ToUInt16(e);
                case TypeCode.UInt32: return Convert.ToUInt32(e);
                case TypeCode.Char: return Convert.ToChar(e);
                case TypeCode.Boolean: return Convert.ToBoolean(e) ? 1UL : 0UL;
                default: return Convert.ToUInt64(e);
            }
        }
    }
}

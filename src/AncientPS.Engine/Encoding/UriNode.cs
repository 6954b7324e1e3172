using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Uri (0x46), 16 bytes: kind; at 1, UriKind (1 absolute, 2 relative); at 2 the tag and at 8 the payload of the original string's slot.</summary>
    internal sealed unsafe class UriNode : ScalarNodeCodec
    {
        public const int KindAt = 1;
        public const int StringTagAt = 2;
        public const int StringPayloadAt = 8;
        public const int Size = 16;

        public UriNode() : base(NodeTags.Uri, typeof(Uri)) { }

        /// <summary>Uri and its subclasses, all read back as Uri.</summary>
        public override bool Handles(Type type) => typeof(Uri).IsAssignableFrom(type);

        public override long Write(INodeSink sink, object value, string typeName)
        {
            var u = (Uri)value;
            byte* p = sink.Allocate(Size, out long offset);
            p[0] = Tag;
            p[KindAt] = (byte)(u.IsAbsoluteUri ? UriKind.Absolute : UriKind.Relative);
            sink.WriteString(u.OriginalString, p + StringTagAt, (ulong*)(p + StringPayloadAt));
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* p = context.Node(offset, Size, Tag);
            byte kind = p[KindAt];
            if (kind != (byte)UriKind.Absolute && kind != (byte)UriKind.Relative) throw Corrupt.Node(offset, $"holds the unknown UriKind {kind}");
            string text = context.ReadStringSlot(p[StringTagAt], *(ulong*)(p + StringPayloadAt));
            try { return new Uri(text, (UriKind)kind); }
            catch (UriFormatException e) { throw new AncientHeapCorruptException($"The heap is damaged: the Uri at offset {offset} does not parse.", e); }
        }

        public override uint KeyHash(object key) => Encoding.KeyHash.String(((Uri)key).OriginalString, false) ^ Encoding.KeyHash.Mix(NodeTags.Uri);
    }
}

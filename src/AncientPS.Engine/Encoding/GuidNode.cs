using System;
using System.Runtime.InteropServices;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Guid (0x43), 24 bytes: kind; at 8, the 16 bytes of Guid.ToByteArray.</summary>
    internal sealed unsafe class GuidNode : ScalarNodeCodec
    {
        public const int BytesAt = 8;
        public const int Size = 24;

        public GuidNode() : base(NodeTags.Guid, typeof(Guid)) { }

        public override long Write(INodeSink sink, object value, string typeName)
        {
            byte[] bytes = ((Guid)value).ToByteArray();
            byte* p = sink.Allocate(Size, out long offset);
            p[0] = Tag;
            Marshal.Copy(bytes, 0, (IntPtr)(p + BytesAt), 16);
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* p = context.Node(offset, Size, Tag);
            var bytes = new byte[16];
            for (int i = 0; i < 16; i++) bytes[i] = p[BytesAt + i];
            return new Guid(bytes);
        }

        public override uint KeyHash(object key) => Encoding.KeyHash.Bytes(NodeTags.Guid, ((Guid)key).ToByteArray());
    }
}

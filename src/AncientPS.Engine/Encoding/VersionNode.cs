using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Version (0x45), 24 bytes: kind; at 8, Int32 major, minor, build, revision (build and revision -1 when not given).</summary>
    internal sealed unsafe class VersionNode : ScalarNodeCodec
    {
        public const int PartsAt = 8;
        public const int Size = 24;

        public VersionNode() : base(NodeTags.Version, typeof(Version)) { }

        public override long Write(INodeSink sink, object value, string typeName)
        {
            var v = (Version)value;
            byte* p = sink.Allocate(Size, out long offset);
            p[0] = Tag;
            *(int*)(p + PartsAt) = v.Major;
            *(int*)(p + PartsAt + 4) = v.Minor;
            *(int*)(p + PartsAt + 8) = v.Build;
            *(int*)(p + PartsAt + 12) = v.Revision;
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* p = context.Node(offset, Size, Tag);
            int major = *(int*)(p + PartsAt), minor = *(int*)(p + PartsAt + 4), build = *(int*)(p + PartsAt + 8), revision = *(int*)(p + PartsAt + 12);
            if (major < 0 || minor < 0 || build < -1 || revision < -1 || (build == -1 && revision != -1))
                throw Corrupt.Node(offset, "holds an invalid Version");
            if (build == -1) return new Version(major, minor);
            if (revision == -1) return new Version(major, minor, build);
            return new Version(major, minor, build, revision);
        }

        public override uint KeyHash(object key)
        {
            var v = (Version)key;
            return Encoding.KeyHash.Mix(((ulong)(uint)v.Major << 32 | (uint)v.Minor) ^ Encoding.KeyHash.Mix(((ulong)(uint)v.Build << 32 | (uint)v.Revision) + NodeTags.Version));
        }
    }
}

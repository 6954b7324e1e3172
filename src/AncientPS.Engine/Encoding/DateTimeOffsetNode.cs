using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>DateTimeOffset (0x44), 16 bytes: kind; at 2, Int16 offset in minutes; at 8, Int64 ticks of the local clock time.</summary>
    internal sealed unsafe class DateTimeOffsetNode : ScalarNodeCodec
    {
        public const int MinutesAt = 2;
        public const int TicksAt = 8;
        public const int Size = 16;

        public DateTimeOffsetNode() : base(NodeTags.DateTimeOffset, typeof(DateTimeOffset)) { }

        public override long Write(INodeSink sink, object value, string typeName)
        {
            var d = (DateTimeOffset)value;
            byte* p = sink.Allocate(Size, out long offset);
            p[0] = Tag;
            *(short*)(p + MinutesAt) = (short)(d.Offset.Ticks / TimeSpan.TicksPerMinute);
            *(long*)(p + TicksAt) = d.Ticks;
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* p = context.Node(offset, Size, Tag);
            short minutes = *(short*)(p + MinutesAt);
            long ticks = *(long*)(p + TicksAt);
            long utc = ticks - minutes * TimeSpan.TicksPerMinute;
            if (minutes < -840 || minutes > 840 || ticks < 0 || ticks > DateTime.MaxValue.Ticks || utc < 0 || utc > DateTime.MaxValue.Ticks)
                throw Corrupt.Node(offset, "holds an invalid DateTimeOffset");
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        }

        public override uint KeyHash(object key)
            => Encoding.KeyHash.Mix(unchecked((ulong)((DateTimeOffset)key).UtcTicks + Encoding.KeyHash.Golden * NodeTags.DateTimeOffset));
    }
}

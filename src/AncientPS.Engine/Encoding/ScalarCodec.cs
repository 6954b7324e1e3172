using System;
using System.Numerics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>The scalars that travel inside a slot payload, with no node of their own.</summary>
    internal static unsafe class ScalarCodec
    {
        private const ulong TicksMask = 0x3FFF_FFFF_FFFF_FFFFUL;

        /// <summary>Encodes <paramref name="value"/> into a payload when its type is an inline scalar.</summary>
        public static bool TryEncodeInline(object value, out byte tag, out ulong payload)
        {
            switch (value)
            {
                case int v: tag = NodeTags.Int32; payload = (uint)v; return true;
                case double v: tag = NodeTags.Double; payload = (ulong)BitConverter.DoubleToInt64Bits(v); return true;
                case bool v: tag = NodeTags.Boolean; payload = v ? 1UL : 0UL; return true;
                case long v: tag = NodeTags.Int64; payload = (ulong)v; return true;
                case char v: tag = NodeTags.Char; payload = v; return true;
                case sbyte v: tag = NodeTags.SByte; payload = (byte)v; return true;
                case byte v: tag = NodeTags.Byte; payload = v; return true;
                case short v: tag = NodeTags.Int16; payload = (ushort)v; return true;
                case ushort v: tag = NodeTags.UInt16; payload = v; return true;
                case uint v: tag = NodeTags.UInt32; payload = v; return true;
                case ulong v: tag = NodeTags.UInt64; payload = v; return true;
                case float v: tag = NodeTags.Single; payload = *(uint*)&v; return true;
                case DateTime v: tag = NodeTags.DateTime; payload = (ulong)v.Ticks | ((ulong)v.Kind << 62); return true;
                case TimeSpan v: tag = NodeTags.TimeSpan; payload = (ulong)v.Ticks; return true;
                case BigInteger v when v >= long.MinValue && v <= long.MaxValue:
                    tag = NodeTags.SmallBigInteger; payload = (ulong)(long)v; return true;
            }
            tag = 0;
            payload = 0;
            return false;
        }

        /// <summary>The tags whose value is all in the payload: null, the inline scalars and the short strings.</summary>
        public static bool IsInlineTag(byte tag) => tag <= NodeTags.SmallBigInteger || NodeTags.IsShortString(tag);

        public static bool IsInline(byte tag) => tag >= NodeTags.Boolean && tag <= NodeTags.SmallBigInteger;

        /// <summary>True for the .NET types <see cref="TryEncodeInline"/> always encodes (BigInteger only sometimes: see <see cref="BigIntegerNode"/>).</summary>
        public static bool IsInlineType(Type t) => t.IsPrimitive || t == typeof(DateTime) || t == typeof(TimeSpan);

        /// <summary>The .NET type an inline tag decodes to, or null for a tag that is not inline.</summary>
        public static Type TypeOf(byte tag)
        {
            switch (tag)
            {
                case NodeTags.DateTime: return typeof(DateTime);
                case NodeTags.TimeSpan: return typeof(TimeSpan);
                case NodeTags.SmallBigInteger: return typeof(BigInteger);
                default: return NodeTags.ElementType(tag);
            }
        }

        /// <summary>Decodes an inline scalar, refusing payload bits its type cannot have.</summary>
        public static object DecodeInline(byte tag, ulong p)
        {
            switch (tag)
            {
                case NodeTags.Boolean:
                    if (p > 1) throw Corrupt.Value("a Boolean", p);
                    return p != 0;
                case NodeTags.Char: Check(p, 0xFFFF, "a Char"); return (char)p;
                case NodeTags.SByte: Check(p, 0xFF, "an SByte"); return (sbyte)(byte)p;
                case NodeTags.Byte: Check(p, 0xFF, "a Byte"); return (byte)p;
                case NodeTags.Int16: Check(p, 0xFFFF, "an Int16"); return (short)(ushort)p;
                case NodeTags.UInt16: Check(p, 0xFFFF, "a UInt16"); return (ushort)p;
                case NodeTags.Int32: Check(p, 0xFFFF_FFFF, "an Int32"); return BoxInt32((int)(uint)p);
                case NodeTags.UInt32: Check(p, 0xFFFF_FFFF, "a UInt32"); return (uint)p;
                case NodeTags.Int64: return (long)p;
                case NodeTags.UInt64: return p;
                case NodeTags.Single: Check(p, 0xFFFF_FFFF, "a Single"); { uint bits = (uint)p; return *(float*)&bits; }
                case NodeTags.Double: return BitConverter.Int64BitsToDouble((long)p);
                case NodeTags.DateTime: return DecodeDateTime(p);
                case NodeTags.TimeSpan: return new TimeSpan((long)p);
                case NodeTags.SmallBigInteger: return new BigInteger((long)p);
            }
            throw Corrupt.Tag(tag);
        }

        // Every value read is a box of its own, as every value of the original was: PowerShell files the members and type
        // names a script gives a value type (Add-Member, reading PSTypeNames) under the box, so a box shared between
        // equal values read anywhere (as the engine kept for small integers and booleans until session 11) carried one
        // value's members into every other (a stored row's Id of 1 came back with a member added to another's, and
        // Export-Clixml wrote it as an object).
        private static object BoxInt32(int value) => value;

        public static DateTime DecodeDateTime(ulong p)
        {
            ulong kind = p >> 62;
            long ticks = (long)(p & TicksMask);
            if (kind > 2 || ticks > DateTime.MaxValue.Ticks) throw Corrupt.Value("a DateTime", p);
            return new DateTime(ticks, (DateTimeKind)kind);
        }

        private static void Check(ulong p, ulong max, string what)
        {
            if (p > max) throw Corrupt.Value(what, p);
        }

        /// <summary>
        /// The payload as a dictionary key compares: 0.0 and -0.0 are one key, every NaN is one key, and a DateTime
        /// compares by ticks alone (as DateTime.Equals does).
        /// </summary>
        public static ulong KeyPayload(byte tag, ulong p)
        {
            switch (tag)
            {
                case NodeTags.Double:
                {
                    double d = BitConverter.Int64BitsToDouble((long)p);
                    if (d == 0) return 0;
                    if (double.IsNaN(d)) return 0x7FF8_0000_0000_0000UL;
                    return p;
                }
                case NodeTags.Single:
                {
                    uint bits = (uint)p;
                    float f = *(float*)&bits;
                    if (f == 0) return 0;
                    if (float.IsNaN(f)) return 0x7FC0_0000UL;
                    return p;
                }
                case NodeTags.DateTime: return p & TicksMask;
                default: return p;
            }
        }
    }
}

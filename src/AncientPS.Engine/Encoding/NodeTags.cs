using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The tag byte of a slot (a tag and an 8-byte payload). Tags below 0x40 carry their value in the payload;
    /// tags from 0x40 carry the heap offset of a node whose first byte repeats the tag. docs/format-values.md is the reference.
    /// </summary>
    internal static class NodeTags
    {
        public const byte Null = 0x00;
        public const byte Boolean = 0x01;
        public const byte Char = 0x02;
        public const byte SByte = 0x03;
        public const byte Byte = 0x04;
        public const byte Int16 = 0x05;
        public const byte UInt16 = 0x06;
        public const byte Int32 = 0x07;
        public const byte UInt32 = 0x08;
        public const byte Int64 = 0x09;
        public const byte UInt64 = 0x0A;
        public const byte Single = 0x0B;
        public const byte Double = 0x0C;
        public const byte DateTime = 0x0D;
        public const byte TimeSpan = 0x0E;
        public const byte SmallBigInteger = 0x0F;

        /// <summary>A string of 0 to 8 UTF-8 bytes held in the payload; the byte count is tag - 0x20.</summary>
        public const byte ShortString = 0x20;
        public const byte ShortStringLast = 0x28;

        /// <summary>A string of exactly 9 ASCII characters, 7 bits each, in the payload (identifiers such as "host12345").</summary>
        public const byte ShortAscii = 0x29;

        public const byte String = 0x40;
        public const byte Decimal = 0x41;
        public const byte BigInteger = 0x42;
        public const byte Guid = 0x43;
        public const byte DateTimeOffset = 0x44;
        public const byte Version = 0x45;
        public const byte Uri = 0x46;
        public const byte Enum = 0x47;

        public const byte List = 0x50;
        public const byte PackedList = 0x51;
        public const byte Dictionary = 0x52;
        public const byte Record = 0x53;

        /// <summary>The kind of a record shape node; never the tag of a slot.</summary>
        public const byte Shape = 0x5E;

        public static bool IsShortString(byte tag) => tag >= ShortString && tag <= ShortAscii;

        public static bool IsString(byte tag) => tag == String || IsShortString(tag);

        public static bool IsComposite(byte tag) => tag >= List && tag <= Record;

        /// <summary>A tag the value slot of a value with notes may hold (format 1.5): any scalar, inline or a scalar node; not null, not a list, dictionary or record.</summary>
        public static bool IsWrappableScalar(byte tag) => (tag >= Boolean && tag <= SmallBigInteger) || IsShortString(tag) || (tag >= String && tag <= Enum);

        /// <summary>
        /// A tag the value slot of a value with notes may hold: a scalar (<see cref="IsWrappableScalar"/>), or (format 1.6)
        /// a list, such as the array of lines Get-Content -ReadCount gives with its notes; not null, a dictionary or a record.
        /// </summary>
        public static bool IsWrappable(byte tag) => IsWrappableScalar(tag) || tag == List || tag == PackedList;

        /// <summary>True for the element tags a packed list may hold (the fixed-size primitives).</summary>
        public static bool IsPackable(byte tag) => tag >= Boolean && tag <= Double;

        public static int ElementSize(byte tag)
        {
            switch (tag)
            {
                case Boolean: case SByte: case Byte: return 1;
                case Char: case Int16: case UInt16: return 2;
                case Int32: case UInt32: case Single: return 4;
                case Int64: case UInt64: case Double: return 8;
                default: return 0;
            }
        }

        public static Type ElementType(byte tag)
        {
            switch (tag)
            {
                case Boolean: return typeof(bool);
                case Char: return typeof(char);
                case SByte: return typeof(sbyte);
                case Byte: return typeof(byte);
                case Int16: return typeof(short);
                case UInt16: return typeof(ushort);
                case Int32: return typeof(int);
                case UInt32: return typeof(uint);
                case Int64: return typeof(long);
                case UInt64: return typeof(ulong);
                case Single: return typeof(float);
                case Double: return typeof(double);
                default: return null;
            }
        }

        public static byte OfPrimitive(Type t)
        {
            switch (System.Type.GetTypeCode(t))
            {
                case TypeCode.Boolean: return Boolean;
                case TypeCode.Char: return Char;
                case TypeCode.SByte: return SByte;
                case TypeCode.Byte: return Byte;
                case TypeCode.Int16: return Int16;
                case TypeCode.UInt16: return UInt16;
                case TypeCode.Int32: return Int32;
                case TypeCode.UInt32: return UInt32;
                case TypeCode.Int64: return Int64;
                case TypeCode.UInt64: return UInt64;
                case TypeCode.Single: return Single;
                case TypeCode.Double: return Double;
                default: return 0;
            }
        }

        public static long Align8(long n) => (n + 7) & ~7L;
    }
}

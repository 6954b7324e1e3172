using System;

namespace AncientPS.Engine
{
    /// <summary>
    /// An enum value whose type the writing process does not have: the type's full name, the underlying number and the
    /// text the original gave ("Gold", "Read, Write"). Stored as an enum node with its text (format 1.6), as the enum
    /// itself would be, so that a value read without its type (<see cref="ValueProjection.ProjectEnum"/>) and stored
    /// again stays that enum: a process that has the type reads the enum back, any other the number and the text.
    /// Equal to another when the type names and the numbers' bits are; as a dictionary key it finds the enum itself.
    /// </summary>
    public sealed class UnresolvedEnum : IEquatable<UnresolvedEnum>
    {
        /// <param name="typeName">The enum type's full name, as <c>Type.FullName</c> gives it.</param>
        /// <param name="number">The value as its underlying type: an SByte, Byte, Int16, UInt16, Int32, UInt32, Int64 or UInt64.</param>
        /// <param name="text">The value's text; null where it is not known (it is then stored without one).</param>
        public UnresolvedEnum(string typeName, object number, string text)
        {
            if (string.IsNullOrEmpty(typeName)) throw new ArgumentException("An enum value needs its type's name.", nameof(typeName));
            if (!IsUnderlying(number))
                throw new ArgumentException($"An enum value's number is an integer of 8 to 64 bits, not {(number == null ? "null" : number.GetType().FullName)}.", nameof(number));
            TypeName = typeName;
            Number = number;
            Text = text;
        }

        /// <summary>The enum type's full name.</summary>
        public string TypeName { get; }

        /// <summary>The value as its underlying type.</summary>
        public object Number { get; }

        /// <summary>The text the original value gave, or null where it is not known.</summary>
        public string Text { get; }

        /// <summary>The number's bits, zero-extended from its type, as an enum node stores them.</summary>
        internal ulong Bits
        {
            get
            {
                switch (Number)
                {
                    case sbyte v: return (byte)v;
                    case short v: return (ushort)v;
                    case int v: return (uint)v;
                    case long v: return (ulong)v;
                    case byte v: return v;
                    case ushort v: return v;
                    case uint v: return v;
                    default: return (ulong)Number;
                }
            }
        }

        /// <summary>True for a value of an integer type an enum can have underneath (what <see cref="Number"/> takes).</summary>
        public static bool IsUnderlying(object number)
            => number is sbyte || number is byte || number is short || number is ushort || number is int || number is uint || number is long || number is ulong;

        public bool Equals(UnresolvedEnum other) => other != null && other.Bits == Bits && other.TypeName == TypeName;
        public override bool Equals(object obj) => Equals(obj as UnresolvedEnum);
        public override int GetHashCode() => TypeName.GetHashCode() ^ Bits.GetHashCode();

        /// <summary>The original's text, as the enum's ToString() gave it; the number where that is not known.</summary>
        public override string ToString() => Text ?? Convert.ToString(Number, System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System;
using System.Collections.Generic;

namespace AncientPS.Engine
{
    /// <summary>
    /// What a host keeps with a property bag's shape about how to present it (format 1.6): named lists of property names
    /// and named small values. PowerShell's name for them is a PSCustomObject's own PSStandardMembers member set:
    /// DefaultDisplayPropertySet (the columns Format-Table shows), DefaultKeyPropertySet (what Sort-Object and
    /// Compare-Object compare), DefaultDisplayProperty (Format-Wide's column). Immutable; equal by content, so records of
    /// one function share one shape.
    /// </summary>
    public sealed class StandardMembers : IEquatable<StandardMembers>
    {
        /// <summary>At most this many members, and this many names in one list: more is refused by the writer and damage to a reader.</summary>
        public const int MaximumMembers = 64;
        public const int MaximumNames = 4096;

        private readonly StandardMember[] _members;
        private readonly int _hash;

        public StandardMembers(IEnumerable<StandardMember> members)
        {
            if (members == null) throw new ArgumentNullException(nameof(members));
            var list = new List<StandardMember>();
            foreach (var m in members)
            {
                if (m == null) throw new ArgumentException("A standard member is null.", nameof(members));
                list.Add(m);
            }
            if (list.Count == 0 || list.Count > MaximumMembers)
                throw new ArgumentException($"Standard members number 1 to {MaximumMembers}; {list.Count} were given.", nameof(members));
            _members = list.ToArray();
            int h = _members.Length;
            foreach (var m in _members) h = h * 31 + m.GetHashCode();
            _hash = h;
        }

        public IReadOnlyList<StandardMember> Members => _members;

        public bool Equals(StandardMembers other)
        {
            if (ReferenceEquals(this, other)) return true;
            if (other == null || other._hash != _hash || other._members.Length != _members.Length) return false;
            for (int i = 0; i < _members.Length; i++)
                if (!_members[i].Equals(other._members[i])) return false;
            return true;
        }

        public override bool Equals(object obj) => obj is StandardMembers other && Equals(other);
        public override int GetHashCode() => _hash;
    }

    /// <summary>One of <see cref="StandardMembers"/>: a named list of property names, or a named string, Int32 or Boolean.</summary>
    public sealed class StandardMember : IEquatable<StandardMember>
    {
        private readonly string[] _propertyNames;

        private StandardMember(string name, string[] propertyNames, object value)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            _propertyNames = propertyNames;
            Value = value;
        }

        /// <summary>A named list of property names (PowerShell: a PSPropertySet).</summary>
        public static StandardMember PropertySet(string name, IEnumerable<string> propertyNames)
        {
            if (propertyNames == null) throw new ArgumentNullException(nameof(propertyNames));
            var names = new List<string>();
            foreach (var n in propertyNames) names.Add(n ?? throw new ArgumentException("A property name is null.", nameof(propertyNames)));
            if (names.Count > StandardMembers.MaximumNames)
                throw new ArgumentException($"A property list holds at most {StandardMembers.MaximumNames} names.", nameof(propertyNames));
            return new StandardMember(name, names.ToArray(), null);
        }

        /// <summary>A named value (PowerShell: a PSNoteProperty): a string, an Int32 or a Boolean.</summary>
        public static StandardMember Note(string name, object value)
        {
            if (!IsNoteValue(value)) throw new ArgumentException("A standard note holds a string, an Int32 or a Boolean.", nameof(value));
            return new StandardMember(name, null, value);
        }

        /// <summary>True for the values a standard note can hold.</summary>
        public static bool IsNoteValue(object value) => value is string || value is int || value is bool;

        public string Name { get; }

        /// <summary>True for a list of property names, false for a note.</summary>
        public bool IsPropertySet => _propertyNames != null;

        /// <summary>The property names of a property set; null for a note.</summary>
        public IReadOnlyList<string> PropertyNames => _propertyNames;

        /// <summary>The value of a note; null for a property set.</summary>
        public object Value { get; }

        public bool Equals(StandardMember other)
        {
            if (ReferenceEquals(this, other)) return true;
            if (other == null || !string.Equals(Name, other.Name, StringComparison.Ordinal) || IsPropertySet != other.IsPropertySet) return false;
            if (!IsPropertySet) return Value.Equals(other.Value) && Value.GetType() == other.Value.GetType();
            if (_propertyNames.Length != other._propertyNames.Length) return false;
            for (int i = 0; i < _propertyNames.Length; i++)
                if (!string.Equals(_propertyNames[i], other._propertyNames[i], StringComparison.Ordinal)) return false;
            return true;
        }

        public override bool Equals(object obj) => obj is StandardMember other && Equals(other);

        public override int GetHashCode()
        {
            int h = StringComparer.Ordinal.GetHashCode(Name);
            if (!IsPropertySet) return h * 31 + Value.GetHashCode();
            foreach (var n in _propertyNames) h = h * 31 + StringComparer.Ordinal.GetHashCode(n);
            return h;
        }
    }
}

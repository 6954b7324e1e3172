using System;
using System.Collections.Generic;

namespace AncientPS.Engine
{
    /// <summary>A record as a host describes it: ordered property names and values, and the type-name chain.</summary>
    public sealed class RecordDescription
    {
        public RecordDescription(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag)
            : this(typeNames, names, values, isPropertyBag, null)
        {
        }

        /// <summary>
        /// A record with the text its original gives (its ToString, as the host converts it to a string), stored with a
        /// record that is not a property bag; null stores no text. A property bag's text is made from its properties, and
        /// is not stored.
        /// </summary>
        public RecordDescription(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag,
            string toStringText)
        {
            TypeNames = typeNames ?? throw new ArgumentNullException(nameof(typeNames));
            Names = names ?? throw new ArgumentNullException(nameof(names));
            Values = values ?? throw new ArgumentNullException(nameof(values));
            if (names.Count != values.Count) throw new ArgumentException("Names and values differ in count.");
            IsPropertyBag = isPropertyBag;
            ToStringText = isPropertyBag ? null : toStringText;
        }

        /// <summary>
        /// A value with notes (format 1.5): <paramref name="value"/>, a scalar the engine stores in a slot (a string, a
        /// number, a date...) or (format 1.6) a list, with note properties of its own, such as the PSPath and ReadCount of a
        /// line Get-Content gives, or of the array of lines it gives with -ReadCount. The notes are stored at the value's own
        /// depth; the value reads back with them.
        /// </summary>
        public static RecordDescription ForValueWithNotes(object value, IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values)
            => new RecordDescription(typeNames, names, values, false, null) { WrappedValue = value ?? throw new ArgumentNullException(nameof(value)) };

        /// <summary>The value a record of notes wraps (<see cref="ForValueWithNotes"/>), or null for any other record.</summary>
        public object WrappedValue { get; private set; }

        /// <summary>Most derived first, as PowerShell's PSTypeNames.</summary>
        public IReadOnlyList<string> TypeNames { get; }
        public IReadOnlyList<string> Names { get; }
        public IReadOnlyList<object> Values { get; }

        /// <summary>True for data records (PSCustomObject): stored in full, without using up depth.</summary>
        public bool IsPropertyBag { get; }

        /// <summary>
        /// For an object that is not a property bag: which values are the object's own (instance) members, such as the
        /// note properties a provider adds. They are stored at the object's own depth, one level deeper than its type's
        /// properties, as Export-Clixml does. Null: every value is one level down.
        /// </summary>
        public IReadOnlyList<bool> InstanceMembers { get; set; }

        /// <summary>
        /// For an object that is not a property bag: the index of the first of its adapted properties (the public
        /// properties of its .NET type, as PowerShell's adapter gives them), when they all follow its extended ones (its own
        /// note properties and its type data's members). The stored copy reads them back apart, as Import-Clixml's copy
        /// has them apart (its Props and MS). -1 (the default): the properties are not told apart.
        /// </summary>
        public int AdaptedFrom { get; set; } = -1;

        /// <summary>
        /// For a property bag: what the host keeps about presenting it (format 1.6, PowerShell's PSStandardMembers), stored
        /// with its shape; null for none. Ignored for any other record.
        /// </summary>
        public StandardMembers StandardMembers { get; set; }

        /// <summary>The original object's text (its ToString), or null: never set for a property bag.</summary>
        public string ToStringText { get; }
    }
}

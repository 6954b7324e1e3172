using System;
using System.Collections.Generic;

namespace AncientPS.Engine
{
    /// <summary>A record as a host describes it: ordered property names and values, and the type-name chain.</summary>
    public sealed class RecordDescription
    {
        public RecordDescription(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values, bool isPropertyBag)
        {
            TypeNames = typeNames ?? throw new ArgumentNullException(nameof(typeNames));
            Names = names ?? throw new ArgumentNullException(nameof(names));
            Values = values ?? throw new ArgumentNullException(nameof(values));
            if (names.Count != values.Count) throw new ArgumentException("Names and values differ in count.");
            IsPropertyBag = isPropertyBag;
        }

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
    }
}

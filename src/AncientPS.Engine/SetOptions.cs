using System;
using System.Collections.Generic;
using System.Threading;

namespace AncientPS.Engine
{
    /// <summary>Options for one <see cref="MappedHeap.Set"/>.</summary>
    public sealed class SetOptions
    {
        /// <summary>Default depth for objects stored as records of their properties, as Export-Clixml uses.</summary>
        public const int DefaultDepth = 2;

        /// <summary>The largest depth accepted.</summary>
        public const int MaximumDepth = 100;

        /// <summary>How many levels of ordinary .NET objects are stored as records of their properties;
        /// deeper ones are stored as their ToString(). Collections, dictionaries and property bags do not count.</summary>
        public int Depth { get; set; } = DefaultDepth;

        /// <summary>Cancels a long write; the heap is left as it was.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>Lets a host (such as the PowerShell module) describe its own object kinds.</summary>
        public ObjectConverter Converter { get; set; }

        /// <summary>
        /// When set, a secret (SecureString, PSCredential, NetworkCredential) met below an object stored as a record of
        /// its .NET properties (not below what the caller built: its collections, dictionaries and property bags) is stored
        /// as null, and this is called with its path ([12].PSDrive.Credential) and type. Unset, every secret is refused.
        /// </summary>
        public Action<string, Type> SecretOmitted { get; set; }

        /// <summary>Called now and then with the number of nodes written so far.</summary>
        public Action<long> Progress { get; set; }
    }

    /// <summary>
    /// How a host tells the engine about objects the engine does not know natively.
    /// The PowerShell module uses it to unwrap PSObjects and to describe PSCustomObjects and adapted .NET objects.
    /// </summary>
    public abstract class ObjectConverter
    {
        /// <summary>Returns the value to store in place of <paramref name="value"/> (for example the base object of a wrapper), or the value itself.</summary>
        public virtual object Unwrap(object value) => value;

        /// <summary>Describes <paramref name="value"/> as a record. Return false to let the engine decide (reflection over public properties).</summary>
        public virtual bool TryDescribe(object value, out RecordDescription description)
        {
            description = null;
            return false;
        }

        /// <summary>
        /// False when <see cref="TryDescribe"/> would not describe <paramref name="value"/> as a property bag: the engine then
        /// stores a value beyond the depth as its string without describing it (reading all its properties) first.
        /// </summary>
        public virtual bool MayBePropertyBag(object value) => true;

        /// <summary>Throws when the value must never be stored (for example a credential). The default refuses nothing beyond the engine's own list.</summary>
        public virtual void CheckAllowed(object value) { }
    }

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

        /// <summary>The original object's text (its ToString), or null: never set for a property bag.</summary>
        public string ToStringText { get; }
    }
}

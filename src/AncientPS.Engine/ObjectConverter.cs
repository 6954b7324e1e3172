using System.Collections.Generic;

namespace AncientPS.Engine
{
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
        /// Describes a value the host gave notes of its own (a string with a PSPath, a number with a unit) as the value and its
        /// notes (<see cref="RecordDescription.ForValueWithNotes"/>), for <paramref name="value"/> as <see cref="Unwrap"/> returned
        /// it. Return false (the default) for anything else: a value without notes is unwrapped to the value itself.
        /// </summary>
        public virtual bool TryDescribeValueWithNotes(object value, out RecordDescription description)
        {
            description = null;
            return false;
        }

        /// <summary>
        /// Describes a property bag (what <see cref="TryDescribe"/> describes with <see cref="RecordDescription.IsPropertyBag"/>)
        /// without allocating for it: the values go into <paramref name="values"/> when it has exactly their count, else
        /// into a new array put there. The writer owns the array from then on: it reuses it for a later record once this
        /// one is written, so the converter must keep no reference to it. Return false (the default) to have
        /// <see cref="TryDescribe"/> describe the object; what the array holds then is ignored.
        /// </summary>
        /// <remarks>
        /// A write of 100,000 records allocated a description and a value array for each (128 bytes a record): 13 MB of
        /// short-lived objects, 4 collections, each walking every live PSObject's members.
        /// </remarks>
        public virtual bool TryDescribePropertyBag(object value, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names)
        {
            typeNames = null;
            names = null;
            return false;
        }

        /// <summary>
        /// As <see cref="TryDescribePropertyBag(object, ref object[], out IReadOnlyList{string}, out IReadOnlyList{string})"/>,
        /// with the bag's standard members (format 1.6, <see cref="RecordDescription.StandardMembers"/>), null for none. The
        /// writer calls this one; the default asks the other and gives none.
        /// </summary>
        public virtual bool TryDescribePropertyBag(object value, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names,
            out StandardMembers standardMembers)
        {
            standardMembers = null;
            return TryDescribePropertyBag(value, ref values, out typeNames, out names);
        }

        /// <summary>
        /// False when <see cref="TryDescribe"/> would not describe <paramref name="value"/> as a property bag: the engine then
        /// stores a value beyond the depth as its string without describing it (reading all its properties) first.
        /// </summary>
        public virtual bool MayBePropertyBag(object value) => true;

        /// <summary>
        /// The depth <paramref name="value"/>'s own type asks to be stored at, counted from the value (PowerShell's type
        /// data SerializationDepth: an Exception's properties one level down, whatever depth is left), or 0 for none. The
        /// value is what <see cref="Unwrap"/> returned. The writer then stores the value and its properties as if that many
        /// levels were left, as PowerShell's serializer does, even below the depth the write was asked for.
        /// </summary>
        public virtual int SerializationDepthOf(object value) => 0;

        /// <summary>Throws when the value must never be stored (for example a credential). The default refuses nothing beyond the engine's own list.</summary>
        public virtual void CheckAllowed(object value) { }

        /// <summary>
        /// True for a property bag of <paramref name="typeNames"/> whose values the host's user did not choose one by one
        /// (PowerShell's Select-Object copies a live object's properties): what cannot be stored in it (a live handle, a
        /// delegate, a Type) is kept as its text, as inside a .NET object, instead of being refused. False by default.
        /// </summary>
        public virtual bool KeepsUnstorableAsText(IReadOnlyList<string> typeNames) => false;
    }
}

namespace AncientPS.Engine
{
    /// <summary>
    /// Lets a host turn nested views into its own objects as they are read (the PowerShell module wraps records in handles of its own).
    /// The default returns each view unchanged.
    /// </summary>
    public class ValueProjection
    {
        public static readonly ValueProjection None = new ValueProjection();

        public virtual object ProjectRecord(AncientRecord record) => record;

        /// <summary>
        /// Called for each record read: opens it as a view and hands that to <see cref="ProjectRecord(AncientRecord)"/>.
        /// Override this one instead to wrap records without allocating a view per record.
        /// </summary>
        public virtual object ProjectRecord(StoredRecord record) => ProjectRecord(record.Open());
        public virtual object ProjectList(AncientList list) => list;
        public virtual object ProjectDictionary(AncientDictionary dictionary) => dictionary;

        /// <summary>
        /// An enum read whose type this process has not loaded (nor allowed, <see cref="AncientEnumTypes"/>), stored with its
        /// text (format 1.6): <paramref name="typeName"/>, the underlying <paramref name="number"/> and the text the original
        /// gave (its name, "Gold"; flags' names, "Read, Write"). The default is the number, as for an enum stored without text.
        /// </summary>
        public virtual object ProjectEnum(string typeName, object number, string text) => number;

        /// <summary>
        /// The key a lookup in a stored dictionary looks for, given what the host passed: a host whose values arrive
        /// wrapped (PowerShell's PSObject around a string that went down a pipeline) unwraps them here. The default is the key itself.
        /// </summary>
        public virtual object LookupKey(object key) => key;

        /// <summary>
        /// Called before a list or dictionary view projects one of its records, lists or dictionaries, with the parent the host
        /// gave the view (<see cref="AncientValue.SetProjectionParent"/>, when it did): a host that links each projected record to the one it
        /// was read from (so that a cycle through a list gives back the same object) makes that parent current here.
        /// Returns what <see cref="EndElement"/> gets back to restore. The default does nothing.
        /// </summary>
        public virtual object BeginElement(object parent) => null;

        /// <summary>Called after the element read that <see cref="BeginElement"/> began, with what it returned.</summary>
        public virtual void EndElement(object state) { }

        /// <summary>
        /// Asked when an enumeration of a list view moves past an element it projected: true when the host's object for it
        /// has changed since it was read (PowerShell: a member added to the record), so that the view holds it for later
        /// reads by index or enumeration. An element met by enumeration is otherwise held only while something else holds
        /// it. The default (views that cannot change) is false.
        /// </summary>
        public virtual bool ShouldKeep(object projected) => false;

        /// <summary>Projects a composite slot of a view whose host parent is <paramref name="parent"/>.</summary>
        internal object ReadElement(Encoding.NodeContext context, byte tag, ulong payload, object parent)
        {
            if (parent == null) return context.ReadSlot(tag, payload, true);
            object state = BeginElement(parent);
            try { return context.ReadSlot(tag, payload, true); }
            finally { EndElement(state); }
        }
    }
}

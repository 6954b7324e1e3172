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
        /// The key a lookup in a stored dictionary looks for, given what the host passed: a host whose values arrive
        /// wrapped (PowerShell's PSObject around a string that went down a pipeline) unwraps them here. The default is the key itself.
        /// </summary>
        public virtual object LookupKey(object key) => key;
    }
}

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
        /// False when <see cref="TryDescribe"/> would not describe <paramref name="value"/> as a property bag: the engine then
        /// stores a value beyond the depth as its string without describing it (reading all its properties) first.
        /// </summary>
        public virtual bool MayBePropertyBag(object value) => true;

        /// <summary>Throws when the value must never be stored (for example a credential). The default refuses nothing beyond the engine's own list.</summary>
        public virtual void CheckAllowed(object value) { }
    }
}

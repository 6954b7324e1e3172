using System;

namespace AncientPS.Engine
{
    /// <summary>The writer lock could not be taken within the lock timeout: another writer holds it.</summary>
    public sealed class AncientHeapBusyException : TimeoutException
    {
        public AncientHeapBusyException(string message) : base(message) { }
    }
}

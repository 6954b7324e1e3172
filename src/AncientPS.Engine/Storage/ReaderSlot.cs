namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// One slot of the reader table (docs/format.md, "Reader table"): field positions and where a slot lies. The fields are
    /// shared with other processes and change under the reader, so <see cref="ReaderRegistry"/> reads and writes them one
    /// word at a time with volatile and interlocked operations, never as a copied struct.
    /// </summary>
    internal static class ReaderSlot
    {
        public const int PidField = 0;
        /// <summary>Slot 0 only: how many slots have ever been claimed. Reserved in the other slots.</summary>
        public const int HighWaterField = 4;
        public const int StartTicksField = 8;
        public const int OldestPinField = 16;
        public const int NewestPinField = 24;
        /// <summary>
        /// Linux: the owner's start in clock ticks since boot (Platform.CurrentProcessStartIdentity), 0 where unknown or
        /// written by a version before 1.7. Valid only together with the three fields after it.
        /// </summary>
        public const int StartIdentityField = 32;
        /// <summary>The boot the start identity belongs to (Platform.BootIdentity).</summary>
        public const int BootIdentityField = 40;
        /// <summary>The pid that wrote the identity: a slot a version before 1.7 claimed afterwards keeps a stale one, which this tells.</summary>
        public const int IdentityPidField = 44;
        /// <summary>The start time (as in <see cref="StartTicksField"/>) of the process that wrote the identity, for the same reason.</summary>
        public const int IdentityStartTicksField = 48;
        /// <summary>
        /// Format 1.7: the second-oldest transaction the process pins; it pins nothing strictly between the oldest and
        /// this one, so a writer may reuse what only those states saw. 0: no such statement (one pin, or a version
        /// before 1.7). Valid only where the identity's pid and start time are the slot's own.
        /// </summary>
        public const int SecondOldestPinField = 56;
        public const int Size = 64;

        /// <summary>The file offset of slot <paramref name="index"/>.</summary>
        public static long OffsetOf(int index) => HeapLayout.ReaderTableOffset + (long)index * Size;

        /// <summary>The bytes of the whole table.</summary>
        public const long TableSize = (long)HeapLayout.ReaderSlotCount * Size;
    }
}

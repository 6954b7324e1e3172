using System;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// How far the file grows ahead of need, and when growth is given back. Growth adds a quarter of the file (at least
    /// 1 MiB), so that a heap filled by many small writes is extended, reserved and remapped O(log n) times. A commit
    /// gives back only a large overshoot, one that no single growth can leave behind, so that grow and trim never flap;
    /// the rest goes when the writer is idle (dismount, or a write that failed after growing the file).
    /// </summary>
    internal static class GrowthPolicy
    {
        /// <summary>File lengths are multiples of this.</summary>
        public const long Granule = 64 * 1024;

        /// <summary>Growth adds at least this much.</summary>
        public const long MinimumGrowth = 1L << 20;

        /// <summary>A commit trims only an overshoot above both this and half the kept length.</summary>
        public const long MinimumTrimmedOvershoot = 64L << 20;

        public static long RoundUp(long length) => (length + (Granule - 1)) & ~(Granule - 1);

        /// <summary>
        /// The length to grow a file of <paramref name="have"/> bytes to, when a write needs <paramref name="needed"/>
        /// (more than <paramref name="have"/>): a quarter more, at least <see cref="MinimumGrowth"/>, rounded up to
        /// <see cref="Granule"/>, and never past <paramref name="maximumSize"/> (0: no limit). The caller may fall back
        /// to exactly <paramref name="needed"/> when the file system has no room for the growth ahead of need.
        /// </summary>
        public static long GrownLength(long have, long needed, long maximumSize)
        {
            long grown = Math.Max(needed, have + Math.Max(have / 4, MinimumGrowth));
            grown = RoundUp(grown);
            if (maximumSize > 0) grown = Math.Min(grown, maximumSize);
            return grown;
        }

        /// <summary>
        /// After a commit: the length to trim the file of <paramref name="storageLength"/> bytes to, or 0 to leave it.
        /// Never below the previous commit's size (<paramref name="previousCommitted"/>): its meta page is the fallback
        /// if the new one is lost (power loss in Fast mode), and it must still describe a file that long.
        /// </summary>
        public static long TrimAfterCommit(long storageLength, long committed, long previousCommitted)
        {
            long keep = RoundUp(Math.Max(committed, previousCommitted));
            return storageLength > keep + Math.Max(keep / 2, MinimumTrimmedOvershoot) ? keep : 0;
        }

        /// <summary>
        /// With no write in progress: the length that keeps what both meta pages describe (<paramref name="olderCommitted"/>
        /// is 0 when the older slot is not valid); the older is the fallback if the newer is ever lost.
        /// </summary>
        public static long TrimWhenIdle(long latestCommitted, long olderCommitted)
            => Math.Max(Math.Max(latestCommitted, olderCommitted), HeapLayout.DataStart);
    }
}

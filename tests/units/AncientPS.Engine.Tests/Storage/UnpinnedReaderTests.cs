using System;
using System.Linq;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>A reader that cannot publish pins (another user's read-only file, or a full reader table) never gets garbage.</summary>
    public class UnpinnedReaderTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void An_unpinned_reader_gets_a_clear_error_once_its_snapshot_space_is_reused()
        {
            string path = _dir.File("unpinned.heap");
            using var writer = MappedHeap.Open(path);
            writer.Set("rows", Enumerable.Range(0, 2000).Select(i => (object)("old" + i)).ToArray());

            var options = new HeapOptions { ReadOnly = true };
            using var reader = MappedHeap.FromCore(HeapCore.OpenDetached(path, options, claimReaderSlot: false), options);
            var rows = (AncientList)reader.Get("rows");
            Assert.Equal("old1999", rows[1999]);

            // Overwrite and churn until the old value's space has been reclaimed by the writer.
            for (int i = 0; i < 20; i++) writer.Set("rows", Enumerable.Range(0, 2000).Select(k => (object)("new" + k)).ToArray());

            Assert.Throws<AncientSnapshotExpiredException>(() => rows[1999]);
            Assert.Equal("new1999", ((AncientList)reader.Get("rows"))[1999]);
        }

        [Fact]
        public void A_pinned_reader_keeps_its_snapshot_through_the_same_churn()
        {
            string path = _dir.File("pinned.heap");
            using var writer = MappedHeap.Open(path);
            writer.Set("rows", Enumerable.Range(0, 2000).Select(i => (object)("old" + i)).ToArray());
            var options = new HeapOptions { ReadOnly = true };
            using var reader = MappedHeap.FromCore(HeapCore.OpenDetached(path, options, claimReaderSlot: true), options);
            var rows = (AncientList)reader.Get("rows");
            for (int i = 0; i < 20; i++) writer.Set("rows", Enumerable.Range(0, 2000).Select(k => (object)("new" + k)).ToArray());
            Assert.Equal("old1999", rows[1999]);
            Assert.True(writer.GetStatistics().Pinned > 0);
        }
    }
}

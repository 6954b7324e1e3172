using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>
    /// Issue 18's open path: the last handle of a mapping that never wrote leaves it idle for a moment, and a read-only
    /// open of the same file takes it up, but only while the checks a fresh open makes still hold.
    /// Idle mappings are process-wide (at most HeapRegistry.MaxIdle): this collection runs alone, so that other tests'
    /// readers do not push its mappings out.
    /// </summary>
    [CollectionDefinition(nameof(IdleMappingTests), DisableParallelization = true)]
    public class IdleMappingCollection { }

    [Collection(nameof(IdleMappingTests))]
    public class IdleMappingTests : IDisposable
    {
        private static readonly HeapOptions ReadOnly = new HeapOptions { ReadOnly = true, CreateIfMissing = false };
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        private string NewHeap(string name, string value)
        {
            string path = _dir.File(name);
            using (var writer = MappedHeap.Open(path))
            {
                writer.Set("rows", Enumerable.Range(0, 500).Select(i => (object)(value + i)).ToArray());
                Assert.True(writer.Core.CanWrite);
            }
            return path;
        }

        private static string Read(MappedHeap heap) => (string)((AncientList)heap.Get("rows"))[499];

        [Fact]
        public void A_reader_that_dismounts_leaves_the_mapping_idle_and_the_next_read_only_open_takes_it_up()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("idle.heap", "v");
            var first = MappedHeap.Open(path, ReadOnly);
            var core = first.Core;
            Assert.Equal("v499", Read(first));
            var view = (AncientList)first.Get("rows");
            first.Dispose();

            Assert.True(HeapRegistry.IsIdle(core));
            // The dismounted handle's views still fail, though the mapping stays open.
            Assert.Throws<AncientHeapDismountedException>(() => view[0]);

            using var second = MappedHeap.Open(path, ReadOnly);
            Assert.Same(core, second.Core);
            Assert.False(HeapRegistry.IsIdle(core));
            Assert.Equal("v499", Read(second));
            Assert.Throws<AncientHeapDismountedException>(() => view[0]);
        }

        [Fact]
        public void A_mapping_that_wrote_is_not_kept_idle_and_gives_back_its_tail_as_before()
        {
            if (!Platform.HasStat) return;
            string path = _dir.File("wrote.heap");
            var writer = MappedHeap.Open(path);
            var core = writer.Core;
            writer.Set("k", "v");
            writer.Dispose();
            Assert.False(HeapRegistry.IsIdle(core));
            using var again = MappedHeap.Open(path, ReadOnly);
            Assert.NotSame(core, again.Core);
        }

        [Fact]
        public void A_writable_open_unmaps_the_idle_mapping_and_opens_the_file_anew()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("writable.heap", "w");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();
            Assert.True(HeapRegistry.IsIdle(core));

            using var writer = MappedHeap.Open(path);
            Assert.NotSame(core, writer.Core);
            Assert.False(HeapRegistry.IsIdle(core));
            writer.Set("k", "v");
            Assert.Equal("w499", Read(writer));
        }

        [Fact]
        public void A_file_replaced_at_its_path_is_opened_anew()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("replaced.heap", "old");
            string other = NewHeap("other.heap", "new");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();

            File.Move(other, path, overwrite: true);
            using var again = MappedHeap.Open(path, ReadOnly);
            Assert.NotSame(core, again.Core);
            Assert.Equal("new499", Read(again));
        }

        [Fact]
        public void A_heap_written_anew_into_the_same_file_is_opened_anew()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("rewritten.heap", "old");
            string other = NewHeap("source.heap", "new");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();

            // Overwritten in place (same inode), as a copy over an existing file does: another heap's header, no slot of ours.
            var bytes = File.ReadAllBytes(other);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.SetLength(0);
                stream.Write(bytes, 0, bytes.Length);
            }
            using var again = MappedHeap.Open(path, ReadOnly);
            Assert.NotSame(core, again.Core);
            Assert.Equal("new499", Read(again));
        }

        [Fact]
        public void An_idle_mapping_does_not_keep_others_from_opening_the_file_exclusively()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("exclusive.heap", "x");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();
            Assert.True(HeapRegistry.IsIdle(core));

            // .NET on Unix refuses FileShare.None while another descriptor holds its shared lock (File.Copy over a file does this).
            using (var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                // While it is held exclusively, the idle mapping is not taken up (a fresh open would be refused too).
                Assert.ThrowsAny<IOException>(() => MappedHeap.Open(path, ReadOnly));
            }
            using var again = MappedHeap.Open(path, ReadOnly);
            Assert.Equal("x499", Read(again));
        }

        [Fact]
        public void A_file_truncated_after_the_dismount_fails_as_a_fresh_open_would()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("truncated.heap", "t");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();

            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) stream.SetLength(100);
            Assert.ThrowsAny<IOException>(() => MappedHeap.Open(path, ReadOnly));
            Assert.False(HeapRegistry.IsIdle(core));
        }

        [Fact]
        public void A_deleted_file_is_not_found_though_its_mapping_was_idle()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("deleted.heap", "d");
            MappedHeap.Open(path, ReadOnly).Dispose();
            File.Delete(path);
            Assert.Throws<FileNotFoundException>(() => MappedHeap.Open(path, ReadOnly));
        }

        [Fact]
        public void The_verifier_unmaps_an_idle_mapping_and_checks_the_file_itself()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("verified.heap", "c");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();
            Assert.Empty(HeapVerifier.Verify(path));
            Assert.False(HeapRegistry.IsIdle(core));
        }

        [Fact]
        public void An_idle_mapping_is_unmapped_after_the_idle_time_and_its_reader_slot_given_back()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("expires.heap", "e");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            Assert.True(core.Readers.IsPublished);
            reader.Dispose();
            Assert.True(HeapRegistry.IsIdle(core));

            // The timer lets it go after HeapRegistry.IdleTime; waited for (not timed), with a generous bound for a loaded machine.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (HeapRegistry.IsIdle(core) && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Assert.False(HeapRegistry.IsIdle(core));
            Assert.False(core.Readers.IsPublished);
            using var again = MappedHeap.Open(path, ReadOnly);
            Assert.NotSame(core, again.Core);
            Assert.Equal("e499", Read(again));
        }

        [Fact]
        public void A_mapping_pushed_out_by_newer_idle_ones_is_unmapped_after_the_dismount_and_an_open_of_its_file_waits_for_it()
        {
            if (!Platform.HasStat) return;
            HeapRegistry.CloseIdle();
            var paths = Enumerable.Range(0, HeapRegistry.MaxIdle + 1).Select(i => NewHeap($"pushed{i}.heap", "p" + i)).ToArray();
            var closing = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            HeapCore first = null;
            HeapRegistry.BeforePushedOutClose = core =>
            {
                if (!ReferenceEquals(core, first)) return;
                closing.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            };
            try
            {
                // The others are opened first and let go right after the first, so that the idle timer (2 s) cannot
                // unmap the first before they push it out, however slow the machine.
                var others = paths.Skip(1).Select(p => MappedHeap.Open(p, ReadOnly)).ToArray();
                for (int i = 0; i < others.Length; i++) Assert.Equal($"p{i + 1}499", Read(others[i]));
                var heap = MappedHeap.Open(paths[0], ReadOnly);
                first = heap.Core;
                Assert.Equal("p0499", Read(heap));
                heap.Dispose();
                Assert.True(HeapRegistry.IsIdle(first));
                foreach (var other in others) other.Dispose();
                // The last dismount pushed the first mapping out, and a pool thread unmaps it (held here by the hook).
                Assert.False(HeapRegistry.IsIdle(first));
                Assert.True(closing.Wait(TimeSpan.FromSeconds(60)));
                Assert.True(first.Readers.IsPublished);
                var reopen = System.Threading.Tasks.Task.Run(() => MappedHeap.Open(paths[0], ReadOnly));
                Assert.False(reopen.Wait(300), "the file was opened again while its old mapping was still open");
                release.Set();
                Assert.True(reopen.Wait(TimeSpan.FromSeconds(60)));
                using var again = reopen.Result;
                Assert.NotSame(first, again.Core);
                Assert.False(first.Readers.IsPublished);
                Assert.Equal("p0499", Read(again));
                again.CheckInvariants();
            }
            finally
            {
                HeapRegistry.BeforePushedOutClose = null;
                release.Set();
                HeapRegistry.CloseIdle();
            }
        }

        [Fact]
        public void CloseIdle_unmaps_every_idle_mapping_at_once()
        {
            if (!Platform.HasStat) return;
            string path = NewHeap("closed.heap", "x");
            var reader = MappedHeap.Open(path, ReadOnly);
            var core = reader.Core;
            reader.Dispose();
            HeapRegistry.CloseIdle();
            Assert.False(HeapRegistry.IsIdle(core));
            Assert.False(core.Readers.IsPublished);
        }
    
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (HeapCore Core, AncientList View) OpenLeftToCollector(string path, bool keepView)
        {
            var heap = MappedHeap.Open(path, ReadOnly);
            heap.ReleaseWhenUnreachable();
            var view = (AncientList)heap.Get("rows");
            Assert.Equal(500, view.Count);
            return (heap.Core, keepView ? view : null);
        }

        private static void CollectTwice()
        {
            for (int i = 0; i < 2; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        [Fact]
        public void A_handle_left_to_the_collector_is_released_once_neither_it_nor_a_view_is_referenced()
        {
            string path = NewHeap("collected.heap", "g");
            var (core, _) = OpenLeftToCollector(path, keepView: false);
            CollectTwice();
            Assert.Equal(0, Volatile.Read(ref core.Handles));
        }

        [Fact]
        public void A_view_keeps_the_handle_it_was_read_through_and_its_mapping()
        {
            string path = NewHeap("kept.heap", "k");
            var (core, view) = OpenLeftToCollector(path, keepView: true);
            CollectTwice();
            Assert.Equal(1, Volatile.Read(ref core.Handles));
            Assert.Equal("k499", view[499]);
            GC.KeepAlive(view);
        }

        [Fact]
        public void Dispose_still_releases_a_handle_left_to_the_collector_at_once_and_only_once()
        {
            string path = NewHeap("disposed.heap", "z");
            var heap = MappedHeap.Open(path, ReadOnly);
            var core = heap.Core;
            heap.ReleaseWhenUnreachable();
            using var other = MappedHeap.Open(path, ReadOnly);
            heap.Dispose();
            Assert.Equal(1, Volatile.Read(ref core.Handles));
            heap = null;
            CollectTwice();
            Assert.Equal(1, Volatile.Read(ref core.Handles));
            Assert.Equal("z499", Read(other));
        }
    }
}

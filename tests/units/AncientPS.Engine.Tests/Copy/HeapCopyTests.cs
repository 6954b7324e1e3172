using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Copy
{
    public class HeapCopyTests
    {
        private static int[] Uniform(int n) => Enumerable.Repeat(n, 300).ToArray();

        private static int ReadUniform(MappedHeap heap, string key)
        {
            var list = (AncientList)heap.Get(key);
            int first = (int)list[0];
            Assert.Equal(300, list.Count);
            foreach (var item in list) Assert.Equal(first, (int)item);
            return first;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_copy_is_one_snapshot_while_a_writer_runs_and_verifies_clean(bool compact)
        {
            using var folder = new TempFolder();
            string source = folder.File("source.heap");
            using var writerHeap = MappedHeap.Open(source);
            writerHeap.Set("a", Uniform(0));
            writerHeap.Set("b", Uniform(0));
            using var stop = new CancellationTokenSource();
            // a is written before b, so every committed state has a == b or a == b + 1.
            var writer = Task.Run(() =>
            {
                for (int i = 1; !stop.IsCancellationRequested; i++)
                {
                    writerHeap.Set("a", Uniform(i));
                    writerHeap.Set("b", Uniform(i));
                }
            });
            try
            {
                for (int round = 0; round < 5; round++)
                {
                    string copy = folder.File($"copy{round}.heap");
                    HeapCopy.Copy(source, copy, compact);
                    Assert.Empty(HeapVerifier.Verify(copy));
                    using var copied = MappedHeap.Open(copy, new HeapOptions { ReadOnly = true });
                    int a = ReadUniform(copied, "a"), b = ReadUniform(copied, "b");
                    Assert.InRange(a - b, 0, 1);
                }
            }
            finally
            {
                stop.Cancel();
                await writer;
            }
        }

        [Fact]
        public void A_copy_onto_its_source_through_a_symbolic_link_is_refused_and_the_source_kept()
        {
            if (OperatingSystem.IsWindows()) return; // symbolic links need privileges there; the path check covers it
            using var folder = new TempFolder();
            string source = folder.File("source.heap");
            using (var heap = MappedHeap.Open(source)) heap.Set("a", 1);
            string link = folder.File("link.heap");
            File.CreateSymbolicLink(link, source);
            long length = new FileInfo(source).Length;
            var error = Assert.Throws<ArgumentException>(() => HeapCopy.Copy(source, link, compact: false, overwrite: true));
            Assert.Contains("source itself", error.Message);
            Assert.Equal(length, new FileInfo(source).Length);
            using var check = MappedHeap.Open(source);
            Assert.Equal(1, check.Get("a"));
        }

        [Fact]
        public void A_compacted_copy_leaves_out_removed_space_and_keeps_sharing()
        {
            using var folder = new TempFolder();
            string source = folder.File("source.heap");
            var shared = new List<object> { "shared" };
            using (var heap = MappedHeap.Open(source))
            {
                heap.Set("bulk", Enumerable.Range(0, 200_000).Select(i => (object)i).ToArray());
                heap.Set("pair", new object[] { shared, shared });
                heap.Remove("bulk");
            }
            string copy = folder.File("compact.heap");
            HeapCopy.Copy(source, copy, compact: true);
            Assert.True(new FileInfo(copy).Length < new FileInfo(source).Length / 4);
            Assert.Empty(HeapVerifier.Verify(copy));
            using var copied = MappedHeap.Open(copy, new HeapOptions { ReadOnly = true });
            var pair = (AncientList)copied.Get("pair");
            Assert.Equal(((IAncientNode)pair[0]).Offset, ((IAncientNode)pair[1]).Offset);
            Assert.False(copied.ContainsKey("bulk"));
        }

        [Fact]
        public void A_cancelled_copy_leaves_no_destination_and_an_existing_one_untouched()
        {
            using var folder = new TempFolder();
            string source = folder.File("source.heap");
            using (var heap = MappedHeap.Open(source)) heap.Set("k", Uniform(1));
            string copy = folder.File("copy.heap");
            File.WriteAllText(copy, "keep");
            Assert.Throws<IOException>(() => HeapCopy.Copy(source, copy, false));
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() => HeapCopy.Copy(source, copy, true, overwrite: true, (done, total) => cancel.Cancel(), cancel.Token));
            Assert.Equal("keep", File.ReadAllText(copy));
            Assert.Single(Directory.GetFiles(folder.Path), f => f.EndsWith("copy.heap", StringComparison.Ordinal));
            Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
        }

        /// <summary>
        /// The temporary files of earlier copies to one destination: deleted once their pid no longer runs, never while it
        /// does, even when the start time in the name is not the one this process reads for that pid (another process
        /// read its own start before the clock was stepped). A file of this process's pid with another start time is
        /// an earlier process's.
        /// </summary>
        [Fact]
        public void A_copys_temporary_file_is_deleted_only_once_its_pid_no_longer_runs()
        {
            using var folder = new TempFolder();
            string Name(int pid, long start) => folder.File($".copy.heap.0123456789ab.p{pid}-{start:x}.tmp");
            using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "60") { UseShellExecute = false });
            using var gone = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false });
            gone.WaitForExit();
            try
            {
                long shifted = sleeper.StartTime.ToUniversalTime().Ticks - 5 * TimeSpan.TicksPerSecond;
                var live = Name(sleeper.Id, shifted);
                var dead = Name(gone.Id, 637000000000000000);
                var mine = Name(Environment.ProcessId, AncientPS.Engine.Storage.Platform.CurrentProcessStartTicks);
                var earlierMine = Name(Environment.ProcessId, 637000000000000000);
                foreach (var f in new[] { live, dead, mine, earlierMine }) File.WriteAllText(f, "");
                HeapCopy.RemoveStaleTemporaries(folder.Path, ".copy.heap.");
                Assert.True(File.Exists(live), "a running copy's file stays, whatever start time it names");
                Assert.True(File.Exists(mine), "this process's own copy's file stays");
                Assert.False(File.Exists(dead), "a dead copy's file goes");
                Assert.False(File.Exists(earlierMine), "an earlier process with this pid is gone");
            }
            finally
            {
                try { sleeper.Kill(); } catch (InvalidOperationException) { }
                sleeper.WaitForExit();
            }
        }
    }
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    public class HeapFileTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_missing_file_is_created_and_values_survive_reopening()
        {
            string path = _dir.File("a.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("answer", 42);
                heap.Set("list", new object[] { "a", 1, null, 2.5 });
                heap.Set("table", new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Name"] = "x" });
            }
            using (var heap = MappedHeap.Open(path))
            {
                Assert.Equal(3, heap.Count);
                Assert.Equal(42, heap.Get("answer"));
                var list = Assert.IsAssignableFrom<AncientList>(heap.Get("list"));
                Assert.Equal(new object[] { "a", 1, null, 2.5 }, list.Cast<object>().ToArray());
                var table = Assert.IsType<AncientDictionary>(heap.Get("table"));
                Assert.Equal("x", table["name"]);
            }
        }

        [Fact]
        public void Keys_ignore_ascii_case_and_keep_the_spelling_they_were_written_with()
        {
            using var heap = MappedHeap.Open(_dir.File("k.heap"));
            heap.Set("Config", 1);
            heap.Set("CONFIG", 2);
            Assert.Equal(1, heap.Count);
            Assert.Equal(2, heap.Get("config"));
            Assert.Equal(new[] { "CONFIG" }, heap.Keys);
        }

        [Fact]
        public void The_seeds_integer_keys_work_as_their_decimal_strings()
        {
            using var heap = MappedHeap.Open(_dir.File("ints.heap"));
            for (int key = 0; key <= 1023; key++) heap.SetMany(new[] { new KeyValuePair<string, object>(key.ToString(), key * 2) });
            Assert.Equal(1024, heap.Count);
            Assert.Equal(2046, heap.Get("1023"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("bad\nkey")]
        public void Invalid_keys_are_refused(string key)
        {
            using var heap = MappedHeap.Open(_dir.File("bad.heap"));
            Assert.Throws<ArgumentException>(() => heap.Set(key, 1));
            Assert.Throws<ArgumentException>(() => heap.Set(new string('k', MappedHeap.MaxKeyLength + 1), 1));
            heap.Set(new string('k', MappedHeap.MaxKeyLength), 1);
            Assert.Equal(1, heap.Count);
        }

        [Fact]
        public void Remove_takes_the_key_away_and_reports_a_missing_one()
        {
            using var heap = MappedHeap.Open(_dir.File("r.heap"));
            heap.Set("a", 1);
            heap.Set("b", 2);
            Assert.True(heap.Remove("A"));
            Assert.False(heap.Remove("a"));
            Assert.False(heap.TryGet("a", out _));
            Assert.Throws<KeyNotFoundException>(() => heap.Get("a"));
            Assert.Equal(new[] { "b" }, heap.Keys);
        }

        [Fact]
        public void Listing_shows_type_size_and_time_written()
        {
            using var heap = MappedHeap.Open(_dir.File("l.heap"));
            var before = DateTime.UtcNow.AddSeconds(-1);
            heap.Set("nums", new double[1000]);
            heap.Set("one", 1);
            var entries = heap.GetEntries();
            Assert.Equal(new[] { "nums", "one" }, entries.Select(e => e.Key));
            Assert.Equal("System.Double[]", entries[0].TypeName);
            Assert.True(entries[0].StoredSize >= 8000);
            Assert.Equal("System.Int32", entries[1].TypeName);
            Assert.InRange(entries[1].Written, before, DateTime.UtcNow.AddSeconds(1));
        }

        [Fact]
        public async System.Threading.Tasks.Task SetMany_replacing_one_key_within_a_transaction_reuses_its_own_freed_space_cleanly()
        {
            // Space a transaction writes, frees (the key is replaced) and takes again must be zeroed like any reused
            // space: a dictionary's hash index is built on zeroed memory. This once never finished.
            static Dictionary<string, object> Table(int tag) =>
                Enumerable.Range(0, 20_000).ToDictionary(i => "k" + i, i => (object)(i + tag));
            string path = _dir.File("setmany-same-key.heap");
            using var heap = MappedHeap.Open(path);
            var write = System.Threading.Tasks.Task.Run(() => heap.SetMany(new[]
            {
                new KeyValuePair<string, object>("k", Table(0)),
                new KeyValuePair<string, object>("k", Table(100_000)),
                new KeyValuePair<string, object>("k", Table(200_000)),
            }));
            await write.WaitAsync(TimeSpan.FromMinutes(2)); // a TimeoutException if SetMany never finishes
            var stored = (IDictionary)heap.Get("k");
            Assert.Equal(20_000, stored.Count);
            Assert.Equal(200_000, stored["k0"]);
            Assert.Equal(219_999, stored["k19999"]);
            Assert.Null(stored["k20000"]);
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void One_heap_holds_a_million_keys()
        {
            string path = _dir.File("million.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.SetMany(Enumerable.Range(0, 1_000_000).Select(i => new KeyValuePair<string, object>("key" + i, i)));
                Assert.Equal(1_000_000, heap.Count);
            }
            using (var heap = MappedHeap.Open(path))
            {
                Assert.Equal(1_000_000, heap.Count);
                Assert.Equal(999_999, heap.Get("key999999"));
                Assert.Equal(123_456, heap.Get("KEY123456"));
                Assert.False(heap.ContainsKey("key1000000"));
            }
        }

        [Fact]
        public void Overwriting_a_key_a_thousand_times_with_256_KB_reuses_space()
        {
            string path = _dir.File("reuse.heap");
            using (var heap = MappedHeap.Open(path))
            {
                var value = new byte[256 * 1024];
                for (int i = 0; i < 1000; i++)
                {
                    value[0] = (byte)i;
                    heap.Set("big", value);
                }
                Assert.Equal((byte)(999 & 0xFF), ((byte[])((AncientList)heap.Get("big")).ToArray())[0]);
            }
            Assert.InRange(new FileInfo(path).Length, 0, 32L << 20);
        }

        [Fact]
        public void Removing_values_makes_their_space_reusable()
        {
            string path = _dir.File("remove.heap");
            using var heap = MappedHeap.Open(path);
            for (int round = 0; round < 20; round++)
            {
                for (int i = 0; i < 10; i++) heap.Set("v" + i, new long[16 * 1024]);
                heap.CheckInvariants();
                for (int i = 0; i < 10; i++) heap.Remove("v" + i);
                heap.CheckInvariants();
            }
            Assert.Equal(0, heap.Count);
            Assert.InRange(heap.Size, 0, 8L << 20);
        }

        [Fact]
        public void A_view_keeps_reading_its_snapshot_after_overwrite_and_remove()
        {
            using var heap = MappedHeap.Open(_dir.File("snap.heap"));
            heap.Set("rows", new object[] { "old", 1 });
            var old = (AncientList)heap.Get("rows");
            heap.Set("rows", new object[] { "new", 2, 3 });
            for (int i = 0; i < 50; i++) heap.Set("churn" + i, new long[4096]);
            heap.Remove("rows");
            Assert.Equal(new object[] { "old", 1 }, old.Cast<object>().ToArray());
            Assert.False(heap.ContainsKey("rows"));
        }

        [Fact]
        public void Views_read_before_the_heap_grew_still_work()
        {
            using var heap = MappedHeap.Open(_dir.File("grow.heap"));
            heap.Set("first", Enumerable.Range(0, 1000).Select(i => (object)("item" + i)).ToArray());
            var first = (AncientList)heap.Get("first");
            long size0 = heap.Size;
            for (int i = 0; i < 40; i++) heap.Set("grow" + i, new double[64 * 1024]);
            Assert.True(heap.Size > size0 * 8, $"heap grew from {size0} to {heap.Size}");
            Assert.Equal("item999", first[999]);
            Assert.Equal(1000, first.Count);
        }

        [Fact]
        public void Reads_after_dispose_throw_ObjectDisposedException()
        {
            var heap = MappedHeap.Open(_dir.File("disposed.heap"));
            heap.Set("rows", new object[] { "a", "b" });
            var rows = (AncientList)heap.Get("rows");
            heap.Dispose();
            Assert.ThrowsAny<ObjectDisposedException>(() => rows[0]);
            Assert.ThrowsAny<ObjectDisposedException>(() => heap.Get("rows"));
            Assert.ThrowsAny<ObjectDisposedException>(() => heap.Set("x", 1));
        }

        [Fact]
        public void Two_handles_on_one_file_share_the_mapping_and_close_separately()
        {
            string path = _dir.File("shared.heap");
            using var a = MappedHeap.Open(path);
            var b = MappedHeap.Open(path);
            a.Set("x", "from a");
            Assert.Equal("from a", b.Get("x"));
            b.Dispose();
            Assert.Equal("from a", a.Get("x"));
            Assert.ThrowsAny<ObjectDisposedException>(() => b.Get("x"));
        }

        [Fact]
        public void A_read_only_handle_refuses_writes_and_changes_nothing()
        {
            string path = _dir.File("ro.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("a", 1);
            using (var ro = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
            {
                Assert.True(ro.IsReadOnly);
                Assert.Throws<AncientHeapReadOnlyException>(() => ro.Set("a", 2));
                Assert.Throws<AncientHeapReadOnlyException>(() => ro.Remove("a"));
                Assert.Equal(1, ro.Get("a"));
            }
            Assert.Throws<FileNotFoundException>(() => MappedHeap.Open(_dir.File("missing.heap"), new HeapOptions { ReadOnly = true }));
            Assert.False(File.Exists(_dir.File("missing.heap")));
        }

        [Fact]
        public void A_heap_full_at_its_maximum_size_is_left_as_it_was()
        {
            using var heap = MappedHeap.Open(_dir.File("full.heap"), new HeapOptions { MaximumSize = 2L << 20 });
            heap.Set("small", "kept");
            var ex = Assert.Throws<AncientHeapFullException>(() => heap.Set("huge", new byte[4 << 20]));
            Assert.Equal(2L << 20, ex.MaximumSize);
            Assert.Equal(1, heap.Count);
            Assert.Equal("kept", heap.Get("small"));
            heap.Set("after", 1);
            Assert.Equal(2, heap.Count);
        }

        [Fact]
        public void Refused_values_leave_the_heap_unchanged()
        {
            string path = _dir.File("refuse.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("keep", "value");
            long txn = heap.GetStatistics().TransactionId;
            using var secret = new SecureString();
            Assert.Throws<AncientUnsupportedTypeException>(() => heap.Set("keep", new object[] { 1, secret }));
            Assert.Throws<AncientUnsupportedTypeException>(() => heap.Set("other", (Action)(() => { })));
            Assert.Equal("value", heap.Get("keep"));
            Assert.Equal(1, heap.Count);
            Assert.Equal(txn, heap.GetStatistics().TransactionId);
        }

        [Fact]
        public void A_cancelled_write_leaves_the_heap_unchanged()
        {
            using var heap = MappedHeap.Open(_dir.File("cancel.heap"));
            heap.Set("k", "old");
            using var cts = new System.Threading.CancellationTokenSource();
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() =>
                heap.Set("k", Enumerable.Range(0, 100000).Select(i => (object)i).ToArray(), new SetOptions { CancellationToken = cts.Token }));
            Assert.Equal("old", heap.Get("k"));
        }

        [Fact]
        public void A_write_cancelled_after_growing_the_file_gives_the_growth_back_at_once()
        {
            string path = _dir.File("grow-cancel.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("k", "old");
            long before = new FileInfo(path).Length;
            long grown = 0;
            using var cts = new System.Threading.CancellationTokenSource();
            var rows = Enumerable.Range(0, 1000000).Select(i => (object)("row" + i)).ToArray();
            var options = new SetOptions
            {
                CancellationToken = cts.Token,
                // Cancel (as Ctrl+C does) once the write has grown the file to four times its size.
                Progress = _ =>
                {
                    long now = new FileInfo(path).Length;
                    if (now > before * 4 && grown == 0) { grown = now; cts.Cancel(); }
                },
            };
            Assert.ThrowsAny<OperationCanceledException>(() => heap.Set("big", rows, options));
            Assert.True(grown > before * 4, $"the write never grew the file past {before * 4} bytes");
            // Windows refuses to shorten a mapped file: there the space is reused by the next writes instead.
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(new FileInfo(path).Length <= before, $"the file stayed at {new FileInfo(path).Length} bytes after growing to {grown}");
                Assert.True(heap.Size <= before);
            }
            Assert.Equal("old", heap.Get("k"));
            Assert.Equal(1, heap.Count);
            heap.Set("next", rows.Take(1000).ToArray());
            Assert.Equal(1000, ((IList)heap.Get("next")).Count);
        }

        // What a creator killed during Initialize leaves: the file at its empty-heap size, the fields written before the
        // magic present or not, the magic missing or partial (it is written last).
        public static TheoryData<string, int> UnfinishedCreations => new TheoryData<string, int>
        {
            { "nothing written yet", 0 },
            { "header fields and meta page, no magic", 0 },
            { "header fields and meta page, half the magic", 8 },
        };

        [Theory]
        [MemberData(nameof(UnfinishedCreations))]
        public void A_heap_whose_creation_was_interrupted_is_refused_read_only_and_finished_by_a_writable_mount(string state, int magicBytes)
        {
            string path = _dir.File("unfinished.heap");
            var image = new byte[HeapLayout.DataStart];
            if (state != "nothing written yet")
            {
                // A finished empty heap's header page, with the magic cut back to what the creator got to write.
                string donor = _dir.File("donor.heap");
                using (MappedHeap.Open(donor)) { }
                Array.Copy(File.ReadAllBytes(donor), image, HeapLayout.HeaderSize);
                Array.Clear(image, magicBytes, FileHeader.MagicSize - magicBytes);
            }
            File.WriteAllBytes(path, image);

            var refused = Assert.Throws<AncientHeapFormatException>(() => MappedHeap.Open(path, new HeapOptions { ReadOnly = true }));
            Assert.Equal(HeapFormatProblem.NotCreated, refused.Problem);
            Assert.Contains("creation was interrupted", refused.Message);
            var problem = Assert.Single(HeapVerifier.Verify(path));
            Assert.Contains("creation was interrupted", problem.Message);
            Assert.Equal(image, File.ReadAllBytes(path));

            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("k", "v");
                Assert.Equal("v", heap.Get("k"));
            }
            using (var again = MappedHeap.Open(path, new HeapOptions { ReadOnly = true })) Assert.Equal("v", again.Get("k"));
        }

        [Theory]
        [InlineData(5000)] // a byte in the reader table, which creation never writes
        [InlineData(200)] // a byte in the header outside the fields creation writes
        [InlineData(3)] // a magic byte that is neither zero nor the magic's
        public void A_file_of_an_empty_heaps_size_that_creation_could_not_have_left_is_still_not_a_heap(int offset)
        {
            string path = _dir.File("zeros.heap");
            var image = new byte[HeapLayout.DataStart];
            image[offset] = 0x5A;
            File.WriteAllBytes(path, image);
            var ex = Assert.Throws<AncientHeapFormatException>(() => MappedHeap.Open(path));
            Assert.Equal(HeapFormatProblem.NotAHeap, ex.Problem);
            Assert.Equal(image, File.ReadAllBytes(path));
        }

        [Fact]
        public void A_non_heap_file_is_refused_and_left_byte_for_byte_unchanged()
        {
            string path = _dir.File("notes.txt");
            File.WriteAllText(path, "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"></Objs>");
            var bytes = File.ReadAllBytes(path);
            var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, stamp);
            var ex = Assert.Throws<AncientHeapFormatException>(() => MappedHeap.Open(path));
            Assert.Equal(HeapFormatProblem.NotAHeap, ex.Problem);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        }

        [Fact]
        public void A_heap_of_a_newer_format_version_is_refused_and_left_unchanged()
        {
            string path = _dir.File("future.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("a", 1);
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            {
                fs.Position = 16;
                fs.WriteByte(HeapLayout.MajorVersion + 1);
            }
            var bytes = File.ReadAllBytes(path);
            var stamp = new DateTime(2002, 2, 3, 4, 5, 6, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, stamp);
            var ex = Assert.Throws<AncientHeapFormatException>(() => MappedHeap.Open(path));
            Assert.Equal(HeapFormatProblem.NewerVersion, ex.Problem);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        }

        [Fact]
        public void A_torn_meta_page_falls_back_to_the_previous_commit()
        {
            string path = _dir.File("torn.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("a", "first");
                heap.Set("a", "second");
            }
            long latest;
            using (var heap = MappedHeap.Open(path)) latest = heap.GetStatistics().TransactionId;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            {
                fs.Position = HeapLayout.MetaOffsets[(int)(latest & 1)] + 20;
                fs.WriteByte(0xFF);
            }
            using (var heap = MappedHeap.Open(path))
            {
                Assert.Equal(latest - 1, heap.GetStatistics().TransactionId);
                Assert.Equal("first", heap.Get("a"));
            }
        }

        [Fact]
        public void New_heap_files_are_readable_by_their_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;
            string path = _dir.File("private.heap");
            using (MappedHeap.Open(path)) { }
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void An_anonymous_heap_lives_outside_any_named_file()
        {
            using var heap = MappedHeap.CreateAnonymous();
            Assert.True(heap.IsAnonymous);
            Assert.Null(heap.Path);
            heap.Set("x", new object[] { 1, "two" });
            var x = (AncientList)heap.Get("x");
            Assert.True(MappedHeap.IsAncient(x));
            Assert.False(MappedHeap.IsAncient(new object[] { 1 }));
            Assert.Equal("two", x[1]);
        }
    }
}

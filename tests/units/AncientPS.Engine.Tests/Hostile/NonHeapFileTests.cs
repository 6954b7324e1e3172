using System;
using System.IO;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>A file that is not a heap of this version is refused, and neither its bytes nor its timestamp change.</summary>
    public class NonHeapFileTests : IDisposable
    {
        private static readonly DateTime Stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private string Write(string name, byte[] bytes)
        {
            string path = _folder.File(name);
            File.WriteAllBytes(path, bytes);
            File.SetLastWriteTimeUtc(path, Stamp);
            return path;
        }

        private static void AssertRefusedAndUnchanged(string path, HeapFormatProblem expected)
        {
            byte[] before = File.ReadAllBytes(path);
            foreach (bool readOnly in new[] { false, true })
            {
                var e = Assert.ThrowsAny<AncientHeapFormatException>(() => MappedHeap.Open(path, new HeapOptions { ReadOnly = readOnly }).Dispose());
                Assert.Equal(expected, e.Problem);
            }
            var problems = HeapVerifier.Verify(path);
            Assert.Single(problems);
            Assert.Equal(HeapArea.Header, problems[0].Area);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(Stamp, File.GetLastWriteTimeUtc(path));
        }

        [Fact]
        public void A_text_file_is_refused_and_unchanged()
        {
            string path = Write("notes.txt", System.Text.Encoding.UTF8.GetBytes("Dear diary,\nthis is not a heap.\n"));
            AssertRefusedAndUnchanged(path, HeapFormatProblem.NotAHeap);
        }

        [Fact]
        public void A_clixml_file_is_refused_and_unchanged()
        {
            const string clixml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n  <I32>42</I32>\r\n</Objs>";
            string path = Write("data.clixml", System.Text.Encoding.Unicode.GetBytes(clixml));
            AssertRefusedAndUnchanged(path, HeapFormatProblem.NotAHeap);
        }

        [Fact]
        public void A_large_file_of_random_bytes_is_refused_and_unchanged()
        {
            var bytes = new byte[100_000];
            new Random(7).NextBytes(bytes);
            AssertRefusedAndUnchanged(Write("random.bin", bytes), HeapFormatProblem.NotAHeap);
        }

        [Fact]
        public void A_heap_of_a_newer_major_version_is_refused_and_unchanged()
        {
            string path = _folder.File("newer.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("k", "v");
            var patch = new HeapPatcher(path);
            patch.WriteUInt16(16, 2).Reseal().Save();
            File.SetLastWriteTimeUtc(path, Stamp);
            AssertRefusedAndUnchanged(path, HeapFormatProblem.NewerVersion);
        }

        [Fact]
        public void Verifying_a_good_heap_changes_neither_its_bytes_nor_its_timestamp()
        {
            string path = _folder.File("good.heap");
            HostileProbe.SampleHeaps.Write(path, "mixed");
            File.SetLastWriteTimeUtc(path, Stamp);
            byte[] before = File.ReadAllBytes(path);
            Assert.Empty(HeapVerifier.Verify(path));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(Stamp, File.GetLastWriteTimeUtc(path));
        }
    }
}

using System;
using System.IO;
using System.Linq;
using System.Security;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    public enum LocalOnlyColor { Red = 1, Green = 2 }

    public class SecurityTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        [Theory]
        [InlineData(typeof(object[]), true)]
        [InlineData(typeof(System.Collections.Generic.List<int>), true)]
        [InlineData(typeof(System.Collections.Generic.Dictionary<string, int[]>), true)]
        [InlineData(typeof(System.Collections.Hashtable), true)]
        [InlineData(typeof(TempFolder), false)]
        [InlineData(typeof(TempFolder[]), false)]
        [InlineData(typeof(System.Collections.Generic.List<TempFolder>), false)]
        [InlineData(typeof(System.Collections.Generic.Dictionary<string, LocalOnlyColor>), false)]
        [InlineData(null, false)]
        public void Only_types_of_dotnet_itself_are_ones_a_heap_file_may_have_made(Type type, bool allowed)
        {
            // The rule both the engine (a stored dictionary's key and value collections) and the module (a stored
            // collection's stand-in for its type's name) apply before making an instance of a type a file names.
            Assert.Equal(allowed, FrameworkTypes.Contains(type));
        }

        [Fact]
        public void A_new_heap_file_is_readable_by_its_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;
            string path = _folder.File("private.heap");
            using (MappedHeap.Open(path)) { }
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void A_heap_file_gets_the_mode_the_user_asks_for()
        {
            if (OperatingSystem.IsWindows()) return;
            string path = _folder.File("shared.heap");
            using (MappedHeap.Open(path, new HeapOptions { UnixCreateMode = Convert.ToInt32("640", 8) })) { }
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        }

        public static TheoryData<string> Secrets => new TheoryData<string> { "securestring", "credential", "nested-securestring", "nested-credential" };

        // The engine refuses PSCredential by its full type name; ObjectTests defines a stand-in of that name.
        private static object NewCredential() => Activator.CreateInstance(typeof(SecurityTests).Assembly.GetType("System.Management.Automation.PSCredential", true));

        private static object Secret(string kind)
        {
            var secure = new SecureString();
            foreach (char c in "hunter2") secure.AppendChar(c);
            switch (kind)
            {
                case "securestring": return secure;
                case "credential": return NewCredential();
                case "nested-securestring": return new object[] { 1, new System.Collections.Hashtable { ["pw"] = secure } };
                default: return new object[] { "x", new object[] { NewCredential() } };
            }
        }

        [Theory]
        [MemberData(nameof(Secrets))]
        public void Secrets_are_refused_and_nothing_is_written(string kind)
        {
            string path = _folder.File("secrets.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("before", "kept");
                long txn = heap.GetStatistics().TransactionId;
                Assert.Throws<AncientUnsupportedTypeException>(() => heap.Set("secret", Secret(kind)));
                Assert.Equal(txn, heap.GetStatistics().TransactionId);
                Assert.Equal(new[] { "before" }, heap.Keys);
                Assert.Equal("kept", heap.Get("before"));
            }
            Assert.DoesNotContain("hunter2", System.Text.Encoding.Unicode.GetString(File.ReadAllBytes(path)));
            Assert.DoesNotContain("secret", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path)).Replace("secrets.heap", ""));
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void An_enum_of_a_type_of_a_loaded_assembly_reads_back_typed_without_loading_anything()
        {
            // The type is found among the assemblies already loaded; a name no loaded assembly defines stays a number and
            // loads nothing (the theory below).
            string path = _folder.File("enum.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("e", new object[] { LocalOnlyColor.Green, DayOfWeek.Friday });
                var list = (AncientList)heap.Get("e");
                Assert.Equal(LocalOnlyColor.Green, list[0]);
                Assert.Equal(DayOfWeek.Friday, list[1]);
            }
        }

        [Theory]
        [InlineData("Evil.Payload, EvilAssembly, Version=1.0.0.0")]
        [InlineData("System.Diagnostics.Process")]
        [InlineData("System.IO.FileInfo")]
        public void A_type_name_planted_in_the_file_is_never_loaded_or_instantiated(string planted)
        {
            string path = _folder.File("planted.heap");
            using (var heap = MappedHeap.Open(path))
                heap.Set("v", new object[] { LocalOnlyColor.Red, HostileProbe.SampleHeaps.Records(1) });
            // Rewrite every stored copy of the type names with the planted one (same length, so offsets hold).
            var bytes = File.ReadAllBytes(path);
            Replace(bytes, "AncientPS.Engine.Tests.Hostile.LocalOnlyColor", planted);
            Replace(bytes, "Sample.Row", planted);
            File.WriteAllBytes(path, bytes);
            var before = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.FullName).ToHashSet();
            using (var heap = MappedHeap.Open(path))
            {
                var list = (AncientList)heap.Get("v");
                Assert.Equal(1, list[0]);
                var copy = (object[])AncientValue.Materialize(list);
                Assert.Equal(1, copy[0]);
                var row = Assert.IsType<MaterializedRecord>(((object[])copy[1])[0]);
                Assert.Equal(5, row.Count);
            }
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.FullName).Where(n => !before.Contains(n)).ToList();
            Assert.DoesNotContain(loaded, n => n.Contains("Evil") || n.Contains("Process"));
        }

        /// <summary>Overwrites each UTF-8 occurrence of <paramref name="from"/> with <paramref name="to"/>, cut or padded with spaces to its length.</summary>
        private static void Replace(byte[] bytes, string from, string to)
        {
            var f = System.Text.Encoding.UTF8.GetBytes(from);
            var t = System.Text.Encoding.UTF8.GetBytes(to.PadRight(from.Length).Substring(0, from.Length));
            for (int i = 0; i + f.Length <= bytes.Length; i++)
            {
                if (!bytes.AsSpan(i, f.Length).SequenceEqual(f)) continue;
                t.CopyTo(bytes, i);
            }
        }
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>
    /// The last handle of a file unmaps it outside the registry's lock; an open of the same file in that moment must wait
    /// until the old descriptor is closed, since closing it would drop the new mapping's byte-range locks (per process).
    /// </summary>
    public class RegistryCloseTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void An_open_of_a_file_whose_last_handle_is_closing_waits_until_it_is_closed()
        {
            string path = _dir.File("closing.heap");
            var first = MappedHeap.Open(path); // writable: never kept idle
            first.Set("k", "v");
            bool openedWhileClosing = false;
            MappedHeap second = null;
            Task opener = null;
            var opened = new ManualResetEventSlim();
            HeapRegistry.BeforeClose = core =>
            {
                if (core.Path != first.Core.Path) return;
                opener = Task.Run(() =>
                {
                    second = MappedHeap.Open(path, new HeapOptions { ReadOnly = true, CreateIfMissing = false });
                    opened.Set();
                });
                openedWhileClosing = opened.Wait(500);
            };
            try
            {
                first.Dispose();
            }
            finally
            {
                HeapRegistry.BeforeClose = null;
            }
            Assert.NotNull(opener);
            Assert.True(opener.Wait(TimeSpan.FromSeconds(30)));
            Assert.False(openedWhileClosing, "the file was opened again while its old mapping was still open");
            using (second)
            {
                Assert.NotSame(first.Core, second.Core);
                Assert.Equal("v", second.Get("k"));
                second.CheckInvariants();
            }
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AncientPS.Benchmarks
{
    /// <summary>
    /// Issue 2, "Growth: segmented mapping or reserved address space": the engine's strategy (remap the whole file at the
    /// new size and keep every earlier view, so old pointers stay valid; Storage/HeapMemory.cs) against a segmented mapping
    /// (fixed 64 MiB segments; a growth maps only what is new; every offset is translated through a segment table).
    /// Self-contained: real temp files, System.IO.MemoryMappedFiles and raw pointers, no engine code.
    /// </summary>
    internal static unsafe class GrowthMaps
    {
        public const int SegmentShift = 26;
        public const long SegmentSize = 1L << SegmentShift; // 64 MiB
        public const long SegmentMask = SegmentSize - 1;
        public const long MiB = 1L << 20;
        public const long FinalSize = 512 * MiB;

        /// <summary>One mapped view with its pointer acquired, as HeapMemory.AcquiredView does.</summary>
        public sealed class View : IDisposable
        {
            private readonly MemoryMappedFile _file;
            private readonly MemoryMappedViewAccessor _view;
            public readonly byte* Start;
            public readonly long Length;

            public View(FileStream stream, long offset, long length)
            {
                // The capacity is the file's length, as HeapMemory.MapWhole passes; the view is the part wanted.
                _file = MemoryMappedFile.CreateFromFile(stream, null, stream.Length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
                try { _view = _file.CreateViewAccessor(offset, length, MemoryMappedFileAccess.ReadWrite); }
                catch { _file.Dispose(); throw; }
                byte* p = null;
                _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                Start = p + _view.PointerOffset;
                Length = length;
            }

            public void Dispose()
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                _view.Dispose();
                _file.Dispose();
            }
        }

        /// <summary>The sizes a file passes through on its way from 1 MiB to 512 MiB.</summary>
        public static long[] Sizes(string step)
        {
            var sizes = new List<long> { MiB };
            long have = MiB;
            while (have < FinalSize)
            {
                long next = step switch
                {
                    "Doubling" => have * 2,
                    "Plus16MiB" => have + 16 * MiB,
                    // WriteTransaction.EnsureStorage: at least a quarter more (at least 1 MiB), rounded up to 64 KiB.
                    "Engine125" => (have + Math.Max(have / 4, MiB) + 0xFFFF) & ~0xFFFFL,
                    _ => throw new ArgumentException(step),
                };
                have = Math.Min(next, FinalSize);
                sizes.Add(have);
            }
            return sizes.ToArray();
        }

        /// <summary>The mapping a growth leaves behind: views kept alive and the bytes of address space they cover.</summary>
        public static readonly ConcurrentDictionary<string, string> Mapped = new ConcurrentDictionary<string, string>();

        public static string Describe(List<View> views, string file)
        {
            long bytes = views.Sum(v => v.Length);
            string maps = "";
            try
            {
                // Cross-check with the kernel's view of the process where there is one (Linux).
                if (File.Exists("/proc/self/maps"))
                    maps = $", {File.ReadLines("/proc/self/maps").Count(l => l.EndsWith(file, StringComparison.Ordinal))} in /proc/self/maps";
            }
            catch (IOException) { }
            return $"{views.Count} views, {bytes / MiB:N0} MiB{maps}";
        }

        /// <summary>
        /// How much of the file's mappings the kernel maps with 2 MiB page-table entries (Linux: large page-cache folios);
        /// random reads over a PMD-mapped range miss the TLB far less, whatever the strategy.
        /// </summary>
        public static string PmdMapped(string file)
        {
            if (!File.Exists("/proc/self/smaps")) return "no /proc/self/smaps";
            var parts = new List<string>();
            bool ours = false;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                int space = line.IndexOf(' '), dash = line.IndexOf('-');
                if (space > 0 && dash > 0 && dash < space && line[space - 1] != ':') // "start-end perms offset dev inode path"

                    ours = line.EndsWith(file, StringComparison.Ordinal);
                else if (ours && line.StartsWith("Size:", StringComparison.Ordinal))
                    parts.Add(line.Substring(5).Trim());
                else if (ours && line.StartsWith("FilePmdMapped:", StringComparison.Ordinal))
                    parts[parts.Count - 1] += " (PMD " + line.Substring(14).Trim() + ")";
            }
            return "views: " + string.Join(", ", parts);
        }

        /// <summary>A new empty temp file, deleted when closed.</summary>
        public static FileStream TempFile(string what, out string path)
        {
            path = Path.Combine(Path.GetTempPath(), $"ancientps-growth-{what}-{Guid.NewGuid():N}.heap");
            return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.DeleteOnClose);
        }

        /// <summary>Reads one long per 4 KiB page. Reading (not writing) faults the pages in without dirtying them, so no run waits on writeback.</summary>
        public static long Scan(byte* p, long length)
        {
            long sum = 0;
            for (long o = 0; o < length; o += 4096) sum += *(long*)(p + o);
            return sum;
        }
    }

    /// <summary>Shows, for each growth case, the views that stay mapped after the last growth and the address space they take.</summary>
    public sealed class MappedAfterGrowthColumn : IColumn
    {
        public string Id => nameof(MappedAfterGrowthColumn);
        public string ColumnName => "Mapped after growth";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => false;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Views kept alive after growing to 512 MiB, and the address space they cover";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            string step = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(GrowthStrategy.Step))?.Value as string;
            string key = benchmarkCase.Descriptor.WorkloadMethod.Name + "/" + step;
            return GrowthMaps.Mapped.TryGetValue(key, out var s) ? s : "-";
        }
    }

    public sealed class MappedAfterGrowthColumnAttribute : ColumnConfigBaseAttribute
    {
        public MappedAfterGrowthColumnAttribute() : base(new MappedAfterGrowthColumn()) { }
    }

    /// <summary>
    /// Growth cost: grow a file from 1 MiB to 512 MiB (doubling, +16 MiB, or the engine's +25%) and map it after every
    /// step; the run ends by unmapping everything, since a heap pays that too when it is dismounted. Mapping only: pages are
    /// not touched here (first-touch faults cost the same either way); re-faulting after a remap is GrowthStrategyPages.
    /// </summary>
    [BenchmarkCategory("GrowthStrategy")]
    [MappedAfterGrowthColumn]
    public unsafe class GrowthStrategy
    {
        [Params("Doubling", "Plus16MiB", "Engine125")]
        public string Step { get; set; }

        private string _path;
        private FileStream _stream;
        private long[] _sizes;

        [GlobalSetup]
        public void Setup()
        {
            _sizes = GrowthMaps.Sizes(Step);
            _stream = GrowthMaps.TempFile("grow", out _path);
        }

        [GlobalCleanup]
        public void Cleanup() => _stream?.Dispose();

        /// <summary>(a) What HeapMemory does: after each growth map the whole file anew and keep every earlier view.</summary>
        [Benchmark(Baseline = true)]
        public long RemapWhole()
        {
            _stream.SetLength(0);
            var views = new List<GrowthMaps.View>();
            long sum = 0;
            foreach (long size in _sizes)
            {
                _stream.SetLength(size);
                var v = new GrowthMaps.View(_stream, 0, size);
                views.Add(v);
                sum += (long)v.Start;
            }
            Finish(nameof(RemapWhole), views);
            return sum;
        }

        /// <summary>
        /// (b) Segmented: full 64 MiB segments are mapped once; only the partial last segment is remapped as it grows (its
        /// earlier view kept, so pointers into it stay valid, the same guarantee as (a)).
        /// </summary>
        [Benchmark]
        public long Segmented()
        {
            _stream.SetLength(0);
            var views = new List<GrowthMaps.View>();
            var table = new List<GrowthMaps.View>();
            long sum = 0;
            foreach (long size in _sizes)
            {
                _stream.SetLength(size);
                int last = (int)((size - 1) >> GrowthMaps.SegmentShift);
                for (int k = 0; k <= last; k++)
                {
                    long want = Math.Min(GrowthMaps.SegmentSize, size - ((long)k << GrowthMaps.SegmentShift));
                    if (k < table.Count && table[k].Length >= want) continue;
                    var v = new GrowthMaps.View(_stream, (long)k << GrowthMaps.SegmentShift, want);
                    views.Add(v);
                    if (k < table.Count) table[k] = v; else table.Add(v);
                    sum += (long)v.Start;
                }
            }
            Finish(nameof(Segmented), views);
            return sum;
        }

        private void Finish(string method, List<GrowthMaps.View> views)
        {
            string key = method + "/" + Step;
            if (!GrowthMaps.Mapped.ContainsKey(key)) GrowthMaps.Mapped[key] = GrowthMaps.Describe(views, _path);
            for (int i = views.Count - 1; i >= 0; i--) views[i].Dispose();
        }
    }

    /// <summary>
    /// Read cost on a 512 MiB file: random 8-byte reads, each through the pointer translation the strategy needs, written
    /// as HeapMemory.Pointer would be: (a) one region (base + bounds check), (b) segment table lookup (shift, bounds check
    /// against the segment's mapped length, which also refuses a read straddling two segments).
    /// SpanMiB 4 keeps the reads in cache, around a segment boundary, so the translation itself shows; 512 spreads them over
    /// the file, where cache and TLB misses dominate.
    /// </summary>
    [BenchmarkCategory("GrowthStrategyReads")]
    public unsafe class GrowthStrategyReads
    {
        private const int Reads = 1 << 16;

        [Params(4, 512)]
        public int SpanMiB { get; set; }

        private sealed class Region
        {
            public Region(byte* start, long length) { Start = start; Length = length; }
            public readonly byte* Start;
            public readonly long Length;
        }

        /// <summary>One entry of the segment table: where the segment is mapped and how much of it is.</summary>
        private struct Segment
        {
            public byte* Start;
            public long Length;
        }

        private string _path;
        private FileStream _stream;
        private GrowthMaps.View _whole;
        private readonly List<GrowthMaps.View> _segments = new List<GrowthMaps.View>();
        private volatile Region _region;
        private volatile Segment[] _table;
        private long[] _offsets;

        [GlobalSetup]
        public void Setup()
        {
            try { Map(); }
            catch { Cleanup(); throw; }
        }

        private void Map()
        {
            _stream = GrowthMaps.TempFile("read", out _path);
            _stream.SetLength(GrowthMaps.FinalSize);
            _whole = new GrowthMaps.View(_stream, 0, GrowthMaps.FinalSize);
            _region = new Region(_whole.Start, _whole.Length);
            var table = new Segment[GrowthMaps.FinalSize >> GrowthMaps.SegmentShift];
            for (int k = 0; k < table.Length; k++)
            {
                var v = new GrowthMaps.View(_stream, (long)k << GrowthMaps.SegmentShift, GrowthMaps.SegmentSize);
                _segments.Add(v);
                table[k] = new Segment { Start = v.Start, Length = v.Length };
            }
            _table = table;
            // Both mappings faulted in, so neither pays first-touch faults in the measurement.
            long sum = 0;
            for (long o = 0; o < GrowthMaps.FinalSize; o += 4096) sum += *(long*)PointerWhole(o, 8);
            for (long o = 0; o < GrowthMaps.FinalSize; o += 4096) sum += *(long*)PointerSegmented(o, 8);
            Console.WriteLine($"// GrowthStrategyReads: {GrowthMaps.PmdMapped(_path)}");
            var random = new Random(42);
            long span = (long)SpanMiB * GrowthMaps.MiB;
            long from = SpanMiB >= 512 ? 0 : GrowthMaps.SegmentSize - span / 2;
            _offsets = new long[Reads];
            for (int i = 0; i < Reads; i++) _offsets[i] = from + (long)(random.NextDouble() * (span / 8)) * 8;
            GC.KeepAlive(sum);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            foreach (var v in _segments) v.Dispose();
            _segments.Clear();
            _whole?.Dispose();
            _whole = null;
            _stream?.Dispose();
            _stream = null;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte* PointerWhole(long offset, long length)
        {
            var r = _region;
            if (offset + length > r.Length) Throw(offset);
            return r.Start + offset;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte* PointerSegmented(long offset, long length)
        {
            var t = _table;
            long k = offset >> GrowthMaps.SegmentShift;
            long within = offset & GrowthMaps.SegmentMask;
            if ((ulong)k >= (ulong)t.Length) Throw(offset);
            ref Segment segment = ref t[k];
            if (within + length > segment.Length) Throw(offset);
            return segment.Start + within;
        }

        private static void Throw(long offset) => throw new InvalidOperationException($"Offset {offset} is not mapped (or straddles a segment).");

        /// <summary>(a) One base pointer + offset.</summary>
        [Benchmark(Baseline = true, OperationsPerInvoke = Reads)]
        public long WholeMapping()
        {
            long sum = 0;
            var offsets = _offsets;
            for (int i = 0; i < offsets.Length; i++) sum += *(long*)PointerWhole(offsets[i], 8);
            return sum;
        }

        /// <summary>(b) Segment table lookup + offset.</summary>
        [Benchmark(OperationsPerInvoke = Reads)]
        public long SegmentTableLookup()
        {
            long sum = 0;
            var offsets = _offsets;
            for (int i = 0; i < offsets.Length; i++) sum += *(long*)PointerSegmented(offsets[i], 8);
            return sum;
        }
    }

    /// <summary>
    /// The hidden cost of (a): a remap gives a new virtual range with empty page tables, so every page the heap touches
    /// again faults once more (minor faults; the data is in the page cache) after each growth; (b)'s older segments keep theirs.
    /// One 8-byte read per 4 KiB page of a 512 MiB file: through a view mapped just now (as after a growth in (a)), through
    /// an existing whole view, and through existing segment views.
    /// </summary>
    [BenchmarkCategory("GrowthStrategyPages")]
    public unsafe class GrowthStrategyPages
    {
        private string _path;
        private FileStream _stream;
        private GrowthMaps.View _whole;
        private readonly List<GrowthMaps.View> _segments = new List<GrowthMaps.View>();

        [GlobalSetup]
        public void Setup()
        {
            try
            {
                _stream = GrowthMaps.TempFile("pages", out _path);
                _stream.SetLength(GrowthMaps.FinalSize);
                _whole = new GrowthMaps.View(_stream, 0, GrowthMaps.FinalSize);
                GrowthMaps.Scan(_whole.Start, _whole.Length); // every page in the page cache and in this view's page tables
                for (long k = 0; k < GrowthMaps.FinalSize >> GrowthMaps.SegmentShift; k++)
                {
                    var v = new GrowthMaps.View(_stream, k << GrowthMaps.SegmentShift, GrowthMaps.SegmentSize);
                    _segments.Add(v);
                    GrowthMaps.Scan(v.Start, v.Length);
                }
            }
            catch { Cleanup(); throw; }
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            foreach (var v in _segments) v.Dispose();
            _segments.Clear();
            _whole?.Dispose();
            _whole = null;
            _stream?.Dispose();
            _stream = null;
        }

        [Benchmark(Baseline = true)]
        public long ExistingWholeView() => GrowthMaps.Scan(_whole.Start, _whole.Length);

        /// <summary>(a) right after a growth: map the whole file anew, touch every page through it, unmap.</summary>
        [Benchmark]
        public long FreshWholeView()
        {
            using var v = new GrowthMaps.View(_stream, 0, GrowthMaps.FinalSize);
            return GrowthMaps.Scan(v.Start, v.Length);
        }

        /// <summary>(b) after a growth: the existing segments are still mapped and faulted in.</summary>
        [Benchmark]
        public long ExistingSegments()
        {
            long sum = 0;
            foreach (var v in _segments) sum += GrowthMaps.Scan(v.Start, v.Length);
            return sum;
        }
    }
}

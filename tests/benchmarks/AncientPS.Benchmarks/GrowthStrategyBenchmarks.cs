using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AncientPS.Benchmarks
{
    /// <summary>
    /// Issue 2, "Growth: segmented mapping or reserved address space": the engine's strategy (remap the whole file at the
    /// new size and keep every earlier view, so old pointers stay valid; Storage/HeapMemory.cs) against a segmented mapping
    /// (fixed 64 MiB segments; a growth maps only what is new; every offset is translated through a segment table) and,
    /// on Linux only, a reserved address space (one PROT_NONE range reserved up front; a growth maps only what is new at
    /// its fixed place in the range, so one base pointer stays valid and no old views pile up).
    /// Self-contained: real temp files, System.IO.MemoryMappedFiles, libc mmap and raw pointers, no engine code.
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

        /// <summary>
        /// (c) One reserved range of address space (Linux): mmap(NULL, 4 GiB, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)
        /// takes address space only, no memory; <see cref="Map"/> then maps a part of the file over its place in the range
        /// with MAP_SHARED|MAP_FIXED, so the file's byte n is always at Start + n. Disposing unmaps the whole range, file
        /// mappings included. The start is rounded up to 2 MiB, as an implementation would, so the kernel can map large
        /// page-cache folios with 2 MiB entries (PmdMapped shows whether it does, for every strategy).
        /// </summary>
        public sealed class Reservation : IDisposable
        {
            public const long Size = 4L << 30;
            private const long Align = 2 * MiB;
            private byte* _raw;
            public readonly byte* Start;

            /// <summary>Bytes of the file mapped so far, from offset 0.</summary>
            public long Mapped { get; private set; }

            /// <summary>mmap calls that mapped part of the file.</summary>
            public int Maps { get; private set; }

            public Reservation()
            {
                if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The reserved-range case uses Linux mmap flags.");
                byte* p = Libc.mmap(null, (nuint)(Size + Align), Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
                if (p == Libc.MapFailed) throw new IOException($"mmap reserving {Size + Align} bytes failed: errno {Marshal.GetLastPInvokeError()}.");
                _raw = p;
                Start = (byte*)(((long)p + Align - 1) & ~(Align - 1));
            }

            /// <summary>Maps the file's bytes [from, to) at Start + from (both multiples of the 4 KiB page).</summary>
            public void Map(FileStream stream, long from, long to)
            {
                if (_raw == null) throw new ObjectDisposedException(nameof(Reservation));
                if (to > Size || from < 0 || to <= from || ((from | to) & 0xFFF) != 0) throw new ArgumentOutOfRangeException(nameof(to), $"[{from}, {to}) is not a page-aligned part of the range.");
                int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
                byte* want = Start + from;
                byte* p = Libc.mmap(want, (nuint)(to - from), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_FIXED, fd, (nint)from);
                if (p != want) throw new IOException($"mmap of file bytes [{from}, {to}) at a fixed address failed: errno {Marshal.GetLastPInvokeError()}.");
                Maps++;
                if (to > Mapped) Mapped = to;
            }

            public string Describe(string file)
            {
                string maps = "";
                try
                {
                    // Mappings of the file inside the range (the kernel merges adjacent mappings of consecutive file bytes
                    // where it can); other views of the same file, outside the range, are not counted.
                    ulong lo = (ulong)Start, hi = (ulong)Start + (ulong)Size;
                    int n = File.ReadLines("/proc/self/maps").Count(l =>
                    {
                        if (!l.EndsWith(file, StringComparison.Ordinal)) return false;
                        int dash = l.IndexOf('-');
                        ulong a = Convert.ToUInt64(l.Substring(0, dash), 16);
                        return a >= lo && a < hi;
                    });
                    maps = $", {n} in /proc/self/maps";
                }
                catch (IOException) { }
                return $"1 reservation ({Size / MiB:N0} MiB), {Maps} mmaps, {Mapped / MiB:N0} MiB{maps}";
            }

            public void Dispose()
            {
                if (_raw == null) return;
                if (Libc.munmap(_raw, (nuint)(Size + Align)) != 0) throw new IOException($"munmap failed: errno {Marshal.GetLastPInvokeError()}.");
                _raw = null;
                Mapped = 0;
            }
        }

        /// <summary>The libc calls (c) needs; Linux x86-64 and arm64 values of the flags.</summary>
        public static class Libc
        {
            public const int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2;
            public const int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
            public static readonly byte* MapFailed = (byte*)(nint)(-1);

            [DllImport("libc", SetLastError = true)]
            public static extern byte* mmap(byte* addr, nuint length, int prot, int flags, int fd, nint offset);

            [DllImport("libc", SetLastError = true)]
            public static extern int munmap(byte* addr, nuint length);
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
                    // GrowthPolicy.GrownLength (Storage/GrowthPolicy.cs): at least a quarter more (at least 1 MiB), rounded up to 64 KiB.
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

    /// <summary>Marks a benchmark that only runs on Linux (case (c)); <see cref="LinuxOnlyFilterAttribute"/> drops it elsewhere.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class LinuxOnlyAttribute : Attribute { }

    /// <summary>On a class: leaves out its <see cref="LinuxOnlyAttribute"/> benchmarks when not on Linux, so the others still run.</summary>
    public sealed class LinuxOnlyFilterAttribute : FilterConfigBaseAttribute
    {
        public LinuxOnlyFilterAttribute()
            : base(new SimpleFilter(b => OperatingSystem.IsLinux() || !b.Descriptor.WorkloadMethod.IsDefined(typeof(LinuxOnlyAttribute), false))) { }
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

    /// <summary>The file and the mappings of the three strategies, as the read and page benchmarks set them up.</summary>
    public abstract class GrowthFixture
    {
        private protected string _path;
        private protected FileStream _stream;
        private protected GrowthMaps.View _whole;
        private protected readonly List<GrowthMaps.View> _segments = new List<GrowthMaps.View>();
        private protected GrowthMaps.Reservation _range;

        [GlobalCleanup]
        public void Cleanup()
        {
            foreach (var v in _segments) v.Dispose();
            _segments.Clear();
            _whole?.Dispose();
            _whole = null;
            _range?.Dispose();
            _range = null;
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>
    /// Growth cost: grow a file from 1 MiB to 512 MiB (doubling, +16 MiB, or the engine's +25%) and map it after every
    /// step; the run ends by unmapping everything, since a heap pays that too when it is dismounted. Mapping only: pages are
    /// not touched here (first-touch faults cost the same either way); re-faulting after a remap is GrowthStrategyPages.
    /// </summary>
    [BenchmarkCategory("GrowthStrategy")]
    [MappedAfterGrowthColumn]
    [LinuxOnlyFilter]
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

        /// <summary>
        /// (c) Reserved address space (Linux): reserve 4 GiB once, then after each growth map only the new part of the file
        /// at its fixed place in the range (MAP_FIXED). One base pointer for the heap's life, one range to unmap.
        /// </summary>
        [Benchmark, LinuxOnly]
        public long ReservedRange()
        {
            _stream.SetLength(0);
            var range = new GrowthMaps.Reservation();
            long sum = 0;
            try
            {
                foreach (long size in _sizes)
                {
                    _stream.SetLength(size);
                    range.Map(_stream, range.Mapped, size);
                    sum += (long)range.Start;
                }
                string key = nameof(ReservedRange) + "/" + Step;
                if (!GrowthMaps.Mapped.ContainsKey(key)) GrowthMaps.Mapped[key] = range.Describe(_path);
            }
            finally { range.Dispose(); }
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
    [LinuxOnlyFilter]
    public unsafe class GrowthStrategyReads : GrowthFixture
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

        private volatile Region _region;
        private volatile Region _reserved;
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
            if (OperatingSystem.IsLinux())
            {
                _range = new GrowthMaps.Reservation();
                foreach (long size in GrowthMaps.Sizes("Engine125")) _range.Map(_stream, _range.Mapped, size);
                _reserved = new Region(_range.Start, _range.Mapped);
                Console.WriteLine($"// GrowthStrategyReads: reserved range: {_range.Describe(_path)}");
            }
            // Every mapping faulted in, so none pays first-touch faults in the measurement.
            long sum = 0;
            for (long o = 0; o < GrowthMaps.FinalSize; o += 4096) sum += *(long*)PointerWhole(o, 8);
            for (long o = 0; o < GrowthMaps.FinalSize; o += 4096) sum += *(long*)PointerSegmented(o, 8);
            if (_range != null)
                for (long o = 0; o < GrowthMaps.FinalSize; o += 4096) sum += *(long*)PointerReserved(o, 8);
            Console.WriteLine($"// GrowthStrategyReads: {GrowthMaps.PmdMapped(_path)}");
            var random = new Random(42);
            long span = (long)SpanMiB * GrowthMaps.MiB;
            long from = SpanMiB >= 512 ? 0 : GrowthMaps.SegmentSize - span / 2;
            _offsets = new long[Reads];
            for (int i = 0; i < Reads; i++) _offsets[i] = from + (long)(random.NextDouble() * (span / 8)) * 8;
            GC.KeepAlive(sum);
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte* PointerWhole(long offset, long length)
        {
            var r = _region;
            if (offset + length > r.Length) Throw(offset);
            return r.Start + offset;
        }

        /// <summary>(c) The same translation as (a), into the reserved range.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte* PointerReserved(long offset, long length)
        {
            var r = _reserved;
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

        /// <summary>(c) One base pointer + offset, into the reserved range (Linux).</summary>
        [Benchmark(OperationsPerInvoke = Reads), LinuxOnly]
        public long ReservedRange()
        {
            long sum = 0;
            var offsets = _offsets;
            for (int i = 0; i < offsets.Length; i++) sum += *(long*)PointerReserved(offsets[i], 8);
            return sum;
        }
    }

    /// <summary>
    /// The hidden cost of (a): a remap gives a new virtual range with empty page tables, so every page the heap touches
    /// again faults once more (minor faults; the data is in the page cache) after each growth; (b)'s older segments keep theirs.
    /// One 8-byte read per 4 KiB page of a 512 MiB file: through a view mapped just now (as after a growth in (a)), through
    /// an existing whole view, and through existing segment views. (c) (Linux): through a reserved range that was mapped piece
    /// by piece (only the new part at each growth, so the older pieces keep their page tables), and, for contrast, right after
    /// mapping the whole file again over the range (MAP_FIXED replaces the old mapping and drops its page tables, like (a)).
    /// </summary>
    [BenchmarkCategory("GrowthStrategyPages")]
    [LinuxOnlyFilter]
    public unsafe class GrowthStrategyPages : GrowthFixture
    {

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
                if (OperatingSystem.IsLinux())
                {
                    _range = new GrowthMaps.Reservation();
                    foreach (long size in GrowthMaps.Sizes("Engine125")) _range.Map(_stream, _range.Mapped, size);
                    GrowthMaps.Scan(_range.Start, _range.Mapped);
                }
            }
            catch { Cleanup(); throw; }
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

        /// <summary>(c) after a growth that mapped only the new part: the rest of the range is still mapped and faulted in.</summary>
        [Benchmark, LinuxOnly]
        public long ExistingReservedRange() => GrowthMaps.Scan(_range.Start, _range.Mapped);

        /// <summary>(c) variant: after a growth that maps the whole file again over the range (MAP_FIXED), touch every page.</summary>
        [Benchmark, LinuxOnly]
        public long FreshReservedWhole()
        {
            _range.Map(_stream, 0, GrowthMaps.FinalSize);
            return GrowthMaps.Scan(_range.Start, _range.Mapped);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using AncientPS.Engine;
using BenchmarkDotNet.Attributes;

namespace AncientPS.Benchmarks
{
    /// <summary>Issue 2: the packed write of a 100 MB double[] reaches at least 50% of memcpy bandwidth.</summary>
    [BenchmarkCategory("PackedWrite")]
    public unsafe class PackedArrayWrite
    {
        public const long Bytes = 100L * 1024 * 1024;
        private double[] _array;
        private byte* _target;
        private MappedHeap _heap;

        [GlobalSetup]
        public void Setup()
        {
            _array = new double[Bytes / sizeof(double)];
            for (int i = 0; i < _array.Length; i++) _array[i] = i * 0.5;
            _target = (byte*)NativeMemory.Alloc((nuint)Bytes);
            new Span<byte>(_target, int.MaxValue > Bytes ? (int)Bytes : int.MaxValue).Fill(1); // fault the pages in, as the heap's are after the first write
            _heap = MappedHeap.CreateAnonymous();
            _heap.Set("array", _array); // the heap has grown to hold it once; each Set then reuses the space
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _heap.Dispose();
            NativeMemory.Free(_target);
        }

        [Benchmark(Baseline = true)]
        public void MemoryCopy()
        {
            fixed (double* source = _array) Buffer.MemoryCopy(source, _target, Bytes, Bytes);
        }

        /// <summary>One atomic Set: lock, packed copy into the mapping, checksum of the value, commit.</summary>
        [Benchmark]
        public void AncientSet() => _heap.Set("array", _array);
    }

    public sealed class SmallRecord
    {
        public int Id { get; set; }
        public string Name { get; set; }
        public double Cpu { get; set; }
        public bool Up { get; set; }
    }

    /// <summary>Issue 2: writing and reading 1,000,000 small records against System.Text.Json (in memory both ways).</summary>
    [BenchmarkCategory("SmallRecords")]
    public class SmallRecords
    {
        public const int Count = 1_000_000;
        private SmallRecord[] _rows;
        private byte[] _json;
        private MappedHeap _heap;

        [GlobalSetup]
        public void Setup()
        {
            _rows = new SmallRecord[Count];
            for (int i = 0; i < Count; i++) _rows[i] = new SmallRecord { Id = i, Name = "host" + i, Cpu = i * 0.5, Up = i % 2 == 0 };
            _json = JsonSerializer.SerializeToUtf8Bytes(_rows);
            _heap = MappedHeap.CreateAnonymous();
            _heap.Set("rows", _rows);
            _heap.Set("write", _rows);
        }

        [GlobalCleanup]
        public void Cleanup() => _heap.Dispose();

        [Benchmark(Baseline = true), BenchmarkCategory("Write")]
        public byte[] JsonWrite() => JsonSerializer.SerializeToUtf8Bytes(_rows);

        [Benchmark, BenchmarkCategory("Write")]
        public void AncientWrite() => _heap.Set("write", _rows);

        [Benchmark(Baseline = true), BenchmarkCategory("Read")]
        public double JsonRead()
        {
            var rows = JsonSerializer.Deserialize<SmallRecord[]>(_json);
            double sum = 0;
            foreach (var r in rows) sum += r.Id + r.Name.Length + r.Cpu + (r.Up ? 1 : 0);
            return sum;
        }

        /// <summary>Get, then every field of every record, through the views (nothing is deserialised up front).</summary>
        [Benchmark, BenchmarkCategory("Read")]
        public double AncientRead()
        {
            var rows = (AncientList)_heap.Get("rows");
            double sum = 0;
            for (int i = 0; i < rows.Count; i++)
            {
                var r = (AncientRecord)rows[i];
                sum += (int)r.GetValue(0) + ((string)r.GetValue(1)).Length + (double)r.GetValue(2) + ((bool)r.GetValue(3) ? 1 : 0);
            }
            return sum;
        }
    }

    /// <summary>Issue 2: a random lookup in a stored 1,000,000-entry dictionary takes at most 3x the in-memory one.</summary>
    [BenchmarkCategory("DictionaryLookup")]
    public class DictionaryLookup
    {
        public const int Count = 1_000_000;
        private const int Probes = 4096;
        private Dictionary<string, object> _memory;
        private AncientDictionary _stored;
        private MappedHeap _heap;
        private string[] _keys;

        [GlobalSetup]
        public void Setup()
        {
            _memory = new Dictionary<string, object>(Count);
            for (int i = 0; i < Count; i++) _memory["key" + i] = i;
            _heap = MappedHeap.CreateAnonymous();
            _heap.Set("d", _memory);
            _stored = (AncientDictionary)_heap.Get("d");
            var random = new Random(42);
            // Fresh strings, as a caller's keys would be: neither side may benefit from reference equality.
            _keys = new string[Probes];
            for (int i = 0; i < Probes; i++) _keys[i] = string.Concat("key", random.Next(Count).ToString());
        }

        [GlobalCleanup]
        public void Cleanup() => _heap.Dispose();

        [Benchmark(Baseline = true, OperationsPerInvoke = Probes)]
        public object InMemory()
        {
            object last = null;
            var keys = _keys;
            for (int i = 0; i < keys.Length; i++) last = _memory[keys[i]];
            return last;
        }

        [Benchmark(OperationsPerInvoke = Probes)]
        public object Stored()
        {
            object last = null;
            var keys = _keys;
            for (int i = 0; i < keys.Length; i++) last = _stored[keys[i]];
            return last;
        }
    }

    /// <summary>Issue 2: reading one record field takes at most 50 ns.</summary>
    [BenchmarkCategory("RecordField")]
    public class RecordFieldRead
    {
        private const int Reads = 1024;
        private MappedHeap _heap;
        private AncientRecord _record;
        private SmallRecord _object;
        private string _name;

        [GlobalSetup]
        public void Setup()
        {
            _object = new SmallRecord { Id = 7, Name = "host7", Cpu = 3.5, Up = true };
            _heap = MappedHeap.CreateAnonymous();
            _heap.Set("row", _object);
            _record = (AncientRecord)_heap.Get("row");
            _name = new string("Cpu".ToCharArray());
        }

        [GlobalCleanup]
        public void Cleanup() => _heap.Dispose();

        /// <summary>The in-memory reference: a boxed property read through its getter.</summary>
        [Benchmark(Baseline = true, OperationsPerInvoke = Reads)]
        public object InMemory()
        {
            object last = null;
            for (int i = 0; i < Reads; i++) last = _object.Cpu;
            return last;
        }

        [Benchmark(OperationsPerInvoke = Reads)]
        public object ByName()
        {
            object last = null;
            for (int i = 0; i < Reads; i++) last = _record.GetValue(_name);
            return last;
        }

        [Benchmark(OperationsPerInvoke = Reads)]
        public object ByIndex()
        {
            object last = null;
            for (int i = 0; i < Reads; i++) last = _record.GetValue(2);
            return last;
        }
    }
}

using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine
{
    /// <summary>
    /// A memory-mapped object heap: a file (or anonymous native memory) holding object graphs under string keys.
    /// Values are written whole and published atomically; they are read back lazily as read-only views.
    /// An instance is a handle: opening one file twice in a process shares one mapping, and each handle is disposed on its own.
    /// All members are thread-safe.
    /// </summary>
    public sealed class MappedHeap : IDisposable
    {
        /// <summary>The longest key, in UTF-16 characters.</summary>
        public const int MaxKeyLength = KeyRules.MaxKeyLength;

        private readonly HeapCore _core;
        private readonly HeapOptions _options;
        private volatile bool _disposed;

        private MappedHeap(HeapCore core, HeapOptions options)
        {
            _core = core;
            _options = options;
        }

        /// <summary>Opens a heap file, creating it when it is missing or empty (unless <see cref="HeapOptions.CreateIfMissing"/> is false).</summary>
        public static MappedHeap Open(string path, HeapOptions options = null)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            var copy = (options ?? new HeapOptions()).Clone();
            return new MappedHeap(HeapCore.OpenFile(path, copy), copy);
        }

        /// <summary>Creates a heap in anonymous native memory, outside the GC heap, private to this process (OCaml ancient's mark).</summary>
        public static MappedHeap CreateAnonymous(HeapOptions options = null)
        {
            var copy = (options ?? new HeapOptions()).Clone();
            copy.ReadOnly = false;
            return new MappedHeap(HeapCore.CreateAnonymous(copy), copy);
        }

        /// <summary>Opens another handle on the same mapping, with its own lifetime (and its own options).</summary>
        public MappedHeap OpenAnother(bool readOnly)
        {
            ThrowIfDisposed();
            var copy = _options.Clone();
            copy.ReadOnly = readOnly;
            if (!readOnly) _core.OpenedWritable = true;
            _core.AddRef();
            return new MappedHeap(_core, copy);
        }

        /// <summary>The full path of the heap file; null for an anonymous heap.</summary>
        public string Path => _core.Path;

        public bool IsAnonymous => _core.IsAnonymous;
        public bool IsReadOnly => _options.ReadOnly || !_core.CanWrite;
        public bool IsDisposed => _disposed;
        public Durability Durability => _options.Durability;

        /// <summary>The largest size the heap may grow to; 0 means no limit.</summary>
        public long MaximumSize => _options.MaximumSize;

        /// <summary>The size of the file in bytes.</summary>
        public long Size { get { ThrowIfDisposed(); return _core.GetStatistics().Size; } }

        /// <summary>Bytes in use by live data.</summary>
        public long Used { get { ThrowIfDisposed(); return _core.GetStatistics().Used; } }

        /// <summary>How many keys the heap holds.</summary>
        public long Count { get { ThrowIfDisposed(); return _core.GetStatistics().Count; } }

        public HeapStatistics GetStatistics() { ThrowIfDisposed(); return _core.GetStatistics(); }

        /// <summary>Stores <paramref name="value"/> and everything it references under <paramref name="key"/>, replacing any value there, in one atomic step.</summary>
        public void Set(string key, object value, SetOptions options = null)
        {
            KeyRules.Validate(key);
            ThrowIfDisposed();
            _core.Set(_options, key, value, options ?? new SetOptions());
        }

        /// <summary>Stores several keys in one atomic transaction (one lock and one commit for all of them). Returns how many were written.</summary>
        public int SetMany(IEnumerable<KeyValuePair<string, object>> items, SetOptions options = null)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            ThrowIfDisposed();
            return _core.SetMany(_options, items, options ?? new SetOptions());
        }

        /// <summary>
        /// Replaces element <paramref name="index"/> (negative counts from the end) of the list stored under
        /// <paramref name="key"/>, in place: the list is not written again, and views read earlier keep their version.
        /// Returns true when the update wrote the value whole again to drop what earlier updates left unreachable.
        /// </summary>
        public bool SetElement(string key, int index, object value, SetOptions options = null)
            => Update(key, new ValueEdit { Kind = ValueEditKind.SetElement, Index = index, Value = value }, options, out _);

        /// <summary>
        /// Adds the entry <paramref name="entryKey"/> to the dictionary stored under <paramref name="key"/>, or replaces its
        /// value, in place. Returns true when the update wrote the value whole again (see <see cref="SetElement"/>).
        /// </summary>
        public bool SetEntry(string key, object entryKey, object value, SetOptions options = null)
            => Update(key, new ValueEdit { Kind = ValueEditKind.SetEntry, EntryKey = entryKey, Value = value }, options, out _);

        /// <summary>Removes the entry <paramref name="entryKey"/> from the dictionary stored under <paramref name="key"/>, in place. False when it had no such entry.</summary>
        public bool RemoveEntry(string key, object entryKey)
        {
            bool changed = false;
            Update(key, new ValueEdit { Kind = ValueEditKind.RemoveEntry, EntryKey = entryKey }, null, out changed);
            return changed;
        }

        private bool Update(string key, ValueEdit edit, SetOptions options, out bool changed)
        {
            KeyRules.Validate(key);
            ThrowIfDisposed();
            options = options ?? new SetOptions();
            if (options.Depth < 0 || options.Depth > SetOptions.MaximumDepth)
                throw new ArgumentOutOfRangeException("Depth", options.Depth, $"Depth must be between 0 and {SetOptions.MaximumDepth}.");
            changed = _core.Update(_options, key, edit, options, out bool compacted);
            return compacted;
        }

        /// <summary>Reads the value under <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
        public object Get(string key, ValueProjection projection = null)
        {
            if (TryGet(key, projection, out var value)) return value;
            throw new KeyNotFoundException($"The heap has no key '{key}'.");
        }

        public bool TryGet(string key, out object value) => TryGet(key, null, out value);

        /// <summary>Reads the value under <paramref name="key"/>: scalars as plain .NET values, everything else as lazy read-only views of the current snapshot.</summary>
        public bool TryGet(string key, ValueProjection projection, out object value)
        {
            KeyRules.Validate(key);
            ThrowIfDisposed();
            return _core.TryGet(this, key, projection ?? ValueProjection.None, out value);
        }

        public bool ContainsKey(string key) => TryGetEntry(key, out _);

        /// <summary>Removes the key. Views read earlier keep reading their snapshot. Returns false when there was no such key.</summary>
        public bool Remove(string key)
        {
            KeyRules.Validate(key);
            ThrowIfDisposed();
            return _core.Remove(_options, key);
        }

        /// <summary>The keys of the current snapshot, in ordinal order ignoring ASCII case.</summary>
        public IReadOnlyList<string> Keys
        {
            get
            {
                var entries = GetEntries();
                var keys = new string[entries.Count];
                for (int i = 0; i < keys.Length; i++) keys[i] = entries[i].Key;
                return keys;
            }
        }

        /// <summary>Every key with its type, stored size and time written, read from the key directory alone.</summary>
        public IReadOnlyList<HeapEntry> GetEntries() { ThrowIfDisposed(); return _core.GetEntries(); }

        public bool TryGetEntry(string key, out HeapEntry entry)
        {
            KeyRules.Validate(key);
            ThrowIfDisposed();
            return _core.TryGetEntry(key, out entry);
        }

        /// <summary>Forces committed data to stable storage.</summary>
        public void Flush() { ThrowIfDisposed(); _core.Flush(); }

        /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="key"/> is not a valid key: empty, longer than
        /// <see cref="MaxKeyLength"/>, or containing control characters or lone surrogates.</summary>
        public static void ValidateKey(string key) => KeyRules.Validate(key);

        /// <summary>Whether two keys name the same entry: ordinal, ignoring case in ASCII letters only.</summary>
        public static bool KeysEqual(string a, string b) => a != null && b != null && KeyRules.KeyEquals(a, b);

        /// <summary>True when <paramref name="value"/> is a view of a value stored in a heap (OCaml ancient's is_ancient): an
        /// <see cref="IAncientValue"/>, which every view and a host's wrapper of one is.</summary>
        public static bool IsAncient(object value) => value is IAncientValue;

        /// <summary>Releases this handle. Views read through it throw <see cref="ObjectDisposedException"/> from then on.
        /// The mapping is released when the last handle on the file is disposed.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            var reclaimer = _reclaimer;
            if (reclaimer != null) GC.SuppressFinalize(reclaimer);
            _core.Release();
        }

        private Reclaimer _reclaimer;

        /// <summary>
        /// Lets the garbage collector release this handle: once neither the handle nor any view read through it is
        /// referenced any more, the handle is released as <see cref="Dispose"/> would (views hold their handle, so none
        /// can be read after that). For a caller that hands views out and cannot know when they are done with:
        /// PowerShell's <c>Get-AncientObject -Path</c>. Dispose still releases it at once.
        /// </summary>
        public void ReleaseWhenUnreachable()
        {
            ThrowIfDisposed();
            if (_reclaimer == null) _reclaimer = new Reclaimer(_core);
        }

        /// <summary>Referenced by its handle alone: finalized when the handle is unreachable, and releases the handle's hold on the mapping.</summary>
        private sealed class Reclaimer
        {
            private readonly HeapCore _core;

            public Reclaimer(HeapCore core) { _core = core; }

            ~Reclaimer()
            {
                try { _core.Release(); }
                catch (Exception) { }
            }
        }

        internal HeapCore Core => _core;

        /// <summary>
        /// Tests, stress and fuzz harnesses: checks the invariants of the free table, the reader table and the directory
        /// (<see cref="HeapCore.CheckInvariants"/>). Throws <see cref="AncientHeapCorruptException"/> for a file that breaks
        /// them and <see cref="InvalidOperationException"/> for engine state that does.
        /// </summary>
        internal void CheckInvariants()
        {
            ThrowIfDisposed();
            _core.CheckInvariants();
        }

        internal static MappedHeap FromCore(HeapCore core, HeapOptions options) => new MappedHeap(core, options);

        internal void ThrowIfDisposed()
        {
            if (_disposed) throw new AncientHeapDismountedException(IsAnonymous ? null : Path);
        }

        public override string ToString() => IsAnonymous ? "(anonymous heap)" : Path;
    }
}

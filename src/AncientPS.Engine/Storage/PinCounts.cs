using System;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// How many times each transaction is pinned by this process, and the oldest and newest pinned: what
    /// <see cref="ReaderRegistry"/> publishes. Two sorted arrays rather than a <c>SortedDictionary&lt;long, int&gt;</c>:
    /// that instantiation over value types is not precompiled in the framework, and the JIT compiled about 50 of its
    /// methods on the first mount of every process (issue 18's cold start). New pins are nearly always the newest
    /// transaction, which appends; an unpin shifts the entries after it (a memmove of a few longs).
    /// Not thread-safe: the registry holds its lock.
    /// </summary>
    internal sealed class PinCounts
    {
        private long[] _txns = new long[4];
        private int[] _counts = new int[4];
        private int _length;

        public int Count => _length;

        /// <summary>The oldest pinned transaction, or 0 when none is.</summary>
        public long Oldest => _length == 0 ? 0 : _txns[0];

        /// <summary>The second-oldest pinned transaction, or 0 when fewer than two are: nothing between the oldest and it is pinned.</summary>
        public long SecondOldest => _length < 2 ? 0 : _txns[1];

        /// <summary>The newest pinned transaction, or 0 when none is.</summary>
        public long Newest => _length == 0 ? 0 : _txns[_length - 1];

        /// <summary>Counts one more pin of <paramref name="txn"/>; true when it was not pinned before.</summary>
        public bool Add(long txn)
        {
            int i = Find(txn);
            if (i >= 0)
            {
                _counts[i]++;
                return false;
            }
            i = ~i;
            if (_length == _txns.Length)
            {
                Array.Resize(ref _txns, _length * 2);
                Array.Resize(ref _counts, _length * 2);
            }
            if (i < _length)
            {
                Array.Copy(_txns, i, _txns, i + 1, _length - i);
                Array.Copy(_counts, i, _counts, i + 1, _length - i);
            }
            _txns[i] = txn;
            _counts[i] = 1;
            _length++;
            return true;
        }

        /// <summary>Counts one pin of <paramref name="txn"/> less; true when that was its last (it is no longer pinned).
        /// A transaction not pinned is left alone (false).</summary>
        public bool Remove(long txn)
        {
            int i = Find(txn);
            if (i < 0) return false;
            if (--_counts[i] > 0) return false;
            _length--;
            if (i < _length)
            {
                Array.Copy(_txns, i + 1, _txns, i, _length - i);
                Array.Copy(_counts, i + 1, _counts, i, _length - i);
            }
            return true;
        }

        public bool Contains(long txn) => Find(txn) >= 0;

        public void Clear() => _length = 0;

        /// <summary>The index of <paramref name="txn"/>, or the complement of where it would go.</summary>
        private int Find(long txn)
        {
            // The newest first: pins and unpins mostly concern the latest transaction.
            if (_length > 0 && _txns[_length - 1] < txn) return ~_length;
            int lo = 0, hi = _length - 1;
            while (lo <= hi)
            {
                int mid = (int)((uint)(lo + hi) >> 1);
                long t = _txns[mid];
                if (t == txn) return mid;
                if (t < txn) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }
    }
}

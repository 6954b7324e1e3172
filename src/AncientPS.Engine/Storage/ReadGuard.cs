using System;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// Lets a dismount wait for reads in flight before it unmaps. Readers count themselves in one of several padded
    /// counters (picked by thread) so that parallel readers do not fight over one cache line.
    /// </summary>
    internal sealed class ReadGuard
    {
        private const int Stripes = 16;
        private const int Stride = 16; // 16 ints = 64 bytes between counters
        // Counter k lives at (k + 1) * Stride: the array's first line also holds its length, which every reader's bounds
        // check reads, so no counter shares it (a thread writing there slowed every other reader).
        private readonly int[] _counts = new int[(Stripes + 1) * Stride];
        private volatile bool _closing;
        private readonly string _path;

        /// <param name="path">The heap file's path, for the error after a dismount; null for an anonymous heap.</param>
        public ReadGuard(string path) { _path = path; }

        public bool IsClosing => _closing;

        // Each thread takes the next stripe the first time it reads, so that two threads reading at once (two runspaces)
        // never share a counter's cache line, as they could if the stripe came from their thread ids.
        [ThreadStatic] private static int t_stripe;
        private static int s_nextStripe;

        private static int Stripe
        {
            get
            {
                int s = t_stripe;
                if (s == 0) t_stripe = s = (Interlocked.Increment(ref s_nextStripe) & (Stripes - 1)) + 1;
                return s * Stride;
            }
        }

        public void Enter()
        {
            int i = Stripe;
            Interlocked.Increment(ref _counts[i]);
            if (_closing)
            {
                Interlocked.Decrement(ref _counts[i]);
                throw new AncientHeapDismountedException(_path);
            }
        }

        /// <summary>Ends a read begun by <see cref="Enter"/> on the same thread.</summary>
        public void Exit() => Interlocked.Decrement(ref _counts[Stripe]);

        /// <summary>Refuses new reads and waits (bounded) for the ones in flight. Returns false if some never finished.</summary>
        public bool Close(TimeSpan wait)
        {
            _closing = true;
            Interlocked.MemoryBarrier();
            // A monotonic clock: a wall clock stepped back would stretch the wait by the step.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var spin = new SpinWait();
            while (true)
            {
                bool idle = true;
                for (int i = 0; i < Stripes; i++)
                    if (Volatile.Read(ref _counts[(i + 1) * Stride]) != 0) { idle = false; break; }
                if (idle) return true;
                if (clock.Elapsed > wait) return false;
                spin.SpinOnce();
            }
        }
    }
}

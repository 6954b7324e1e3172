using System;
using System.Diagnostics;
using System.Threading;

namespace AncientPS.Projection
{
    /// <summary>
    /// Measures how much of a Set is spent in the objects' own code: the PowerShell property getters (.NET, code, script
    /// and alias properties, the hidden type-data members) and the object's text (ToString) that the converter runs for
    /// live .NET objects. Export-Clixml runs the same getters the same number of times, so Export-Clixml's time divided by
    /// this one is the most any writer that stores what Export-Clixml stores could gain over it. Off by default (one
    /// static read per getter); the Bench task (SourcesBench.ps1) turns it on through reflection, as it does
    /// <see cref="PropertyBagReader.UseInternalMembers"/>. The engine's text of values past the depth is not counted.
    /// </summary>
    internal static class GetterClock
    {
        private static long s_ticks;

        internal static bool Enabled { get; set; }

        /// <summary>The time measured since the last <see cref="Reset"/>.</summary>
        internal static TimeSpan Elapsed => TimeSpan.FromSeconds(Interlocked.Read(ref s_ticks) / (double)Stopwatch.Frequency);

        internal static void Reset() => Interlocked.Exchange(ref s_ticks, 0);

        /// <summary>A timestamp to hand to <see cref="Stop"/>; 0 when the clock is off.</summary>
        internal static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

        internal static void Stop(long started)
        {
            if (started != 0) Interlocked.Add(ref s_ticks, Stopwatch.GetTimestamp() - started);
        }
    }
}

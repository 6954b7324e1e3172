using System;
using System.Diagnostics;
using System.Management.Automation;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// The progress bar of a cmdlet's long piece of work: nothing until the work has taken <c>delay</c> (quick work shows
    /// no bar at all), then at most five records a second, and one Completed record at the end if a bar was shown.
    /// The cmdlet calls it on its pipeline thread, as WriteProgress requires.
    /// </summary>
    internal sealed class ThrottledProgress
    {
        /// <summary>The delay most work waits before showing a bar.</summary>
        public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(1);

        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

        private readonly Cmdlet _cmdlet;
        private readonly int _activityId;
        private readonly string _activity;
        private readonly TimeSpan _delay;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _last;
        private bool _shown;

        /// <summary>Starts the clock: <paramref name="delay"/> counts from now.</summary>
        public ThrottledProgress(Cmdlet cmdlet, int activityId, string activity, TimeSpan delay)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = activity;
            _delay = delay;
        }

        public ThrottledProgress(Cmdlet cmdlet, int activityId, string activity) : this(cmdlet, activityId, activity, DefaultDelay)
        {
        }

        /// <summary>Shows <paramref name="status"/> unless it is too early or too soon after the last record; -1 is no percentage.</summary>
        public void Show(string status, int percent = -1)
        {
            var now = _clock.Elapsed;
            if (now < _delay || now - _last < Interval) return;
            _last = now;
            _shown = true;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, status) { PercentComplete = percent });
        }

        /// <summary>Removes the bar if one is shown; a later <see cref="Show"/> may show it again.</summary>
        public void Complete()
        {
            if (!_shown) return;
            _shown = false;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>A percentage of <paramref name="done"/> in <paramref name="total"/>, at most 100; -1 when the total is unknown.</summary>
        public static int Percent(long done, long total) => total > 0 ? (int)Math.Min(100, done * 100 / total) : -1;
    }
}

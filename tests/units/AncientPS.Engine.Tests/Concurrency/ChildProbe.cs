using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>
    /// A child process running the probe (tests/units/HeapProbe, HeapProbe.dll in the test output folder), with
    /// its output lines collected as they arrive and a way to talk to it on stdin or kill it (SIGKILL: no clean-up).
    /// </summary>
    public sealed class ChildProbe : IDisposable
    {
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

        private readonly Process _process;
        private readonly List<string> _lines = new List<string>();
        private readonly ManualResetEventSlim _outputClosed = new ManualResetEventSlim();

        private ChildProbe(string dll, string[] args)
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
            foreach (var a in args) info.ArgumentList.Add(a);
            _process = new Process { StartInfo = info };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { _outputClosed.Set(); return; }
                lock (_lines) { _lines.Add(e.Data); Monitor.PulseAll(_lines); }
            };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_lines) _lines.Add("stderr " + e.Data); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>Starts HeapProbe (write, lock, reader, read, hold, get: see its Program.cs).</summary>
        public static ChildProbe HeapProbe(params string[] args) => new ChildProbe("HeapProbe.dll", args);

        public List<string> Lines
        {
            get { lock (_lines) return new List<string>(_lines); }
        }

        public string Transcript => string.Join(" | ", Lines.Where(l => !l.StartsWith("committed ", StringComparison.Ordinal)).Take(40));

        public bool HasExited => _process.HasExited;

        /// <summary>Waits for a line that starts with <paramref name="prefix"/> after the first <paramref name="skip"/> lines; returns it, or throws with the transcript.</summary>
        public string WaitForLine(string prefix, int skip = 0)
        {
            var deadline = DateTime.UtcNow + Patience;
            lock (_lines)
            {
                while (true)
                {
                    for (int i = skip; i < _lines.Count; i++)
                    {
                        if (_lines[i].StartsWith(prefix, StringComparison.Ordinal)) return _lines[i];
                        if (_lines[i].StartsWith("error", StringComparison.Ordinal))
                            throw new InvalidOperationException("The probe reported: " + string.Join(" | ", _lines));
                    }
                    if (_outputClosed.IsSet || DateTime.UtcNow > deadline)
                        throw new InvalidOperationException($"The probe never printed '{prefix}'. Its output: " + string.Join(" | ", _lines));
                    Monitor.Wait(_lines, 50);
                }
            }
        }

        /// <summary>Sends a command and waits for the answer that starts with <paramref name="reply"/>.</summary>
        public string Ask(string command, string reply)
        {
            int before;
            lock (_lines) before = _lines.Count;
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
            return WaitForLine(reply, before);
        }

        public void SendLine(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        public int WaitForExit()
        {
            if (!_process.WaitForExit((int)Patience.TotalMilliseconds))
            {
                Kill();
                throw new TimeoutException("The probe did not finish in time. Its output: " + Transcript);
            }
            _process.WaitForExit();
            _outputClosed.Wait(TimeSpan.FromSeconds(10));
            return _process.ExitCode;
        }

        /// <summary>kill -9, and wait until the process is gone (so the OS has released its locks).</summary>
        public void Kill()
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
            _outputClosed.Wait(TimeSpan.FromSeconds(10));
        }

        /// <summary>The last version of each key that the writer reported committed.</summary>
        public Dictionary<string, long> Committed()
        {
            var result = new Dictionary<string, long>();
            foreach (var line in Lines.Where(l => l.StartsWith("committed ", StringComparison.Ordinal)))
            {
                var parts = line.Split(' ');
                long version = long.Parse(parts[2]);
                if (!result.TryGetValue(parts[1], out long seen) || version > seen) result[parts[1]] = version;
            }
            return result;
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
        }
    }
}

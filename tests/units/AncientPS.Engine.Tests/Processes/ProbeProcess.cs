using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace AncientPS.Engine.Tests.Processes
{
    /// <summary>Runs the AncientPS.Probe child process and collects the lines it prints.</summary>
    public sealed class ProbeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = new List<string>();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();

        public ProbeProcess(params string[] args)
        {
            string probe = Path.Combine(AppContext.BaseDirectory, "AncientPS.Probe.dll");
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(probe);
            foreach (var a in args) info.ArgumentList.Add(a);
            _process = new Process { StartInfo = info, EnableRaisingEvents = true };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { _exited.Set(); return; }
                lock (_lines) _lines.Add(e.Data);
            };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_lines) _lines.Add("stderr " + e.Data); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        public List<string> Lines
        {
            get { lock (_lines) return new List<string>(_lines); }
        }

        public bool WaitForLine(Func<string, bool> match, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (_lines) if (_lines.Exists(l => match(l))) return true;
                if (_exited.IsSet) return false;
                Thread.Sleep(5);
            }
            return false;
        }

        public void SendLine(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        public int WaitForExit(TimeSpan timeout)
        {
            if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException("The probe process did not finish in time. Its output: " + string.Join(" | ", Lines));
            }
            _process.WaitForExit();
            _exited.Wait(TimeSpan.FromSeconds(5));
            return _process.ExitCode;
        }

        /// <summary>kill -9: no chance to clean up.</summary>
        public void Kill()
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
            _exited.Wait(TimeSpan.FromSeconds(5));
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
        }
    }
}

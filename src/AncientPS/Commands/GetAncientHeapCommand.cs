using System.Collections.Generic;
using System.Management.Automation;

namespace AncientPS.Commands
{
    /// <summary>Get-AncientHeap: the heaps mounted in this process, in the order they were mounted.</summary>
    [Cmdlet(VerbsCommon.Get, "AncientHeap")]
    [OutputType(typeof(AncientHeap))]
    public sealed class GetAncientHeapCommand : PSCmdlet
    {
        /// <summary>Only heaps whose file matches one of these paths (wildcards allowed, relative to the current location).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        protected override void EndProcessing()
        {
            var heaps = MountedHeaps.Snapshot();
            if (Path == null)
            {
                foreach (var heap in heaps) WriteObject(heap);
                return;
            }
            var patterns = new List<WildcardPattern>();
            foreach (var path in Path)
            {
                string full = path;
                try
                {
                    full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                }
                catch (System.Exception e) when (!(e is PipelineStoppedException))
                {
                    // A pattern that is not a file system path can still match a heap's file name.
                }
                patterns.Add(new WildcardPattern(full, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant));
                patterns.Add(new WildcardPattern(path, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant));
            }
            foreach (var heap in heaps)
            {
                if (heap.Path == null) continue;
                string name = System.IO.Path.GetFileName(heap.Path);
                foreach (var pattern in patterns)
                {
                    if (pattern.IsMatch(heap.Path) || pattern.IsMatch(name))
                    {
                        WriteObject(heap);
                        break;
                    }
                }
            }
        }
    }
}

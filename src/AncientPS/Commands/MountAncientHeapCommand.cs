using AncientPS.Projection;
using System;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>Mount-AncientHeap: OCaml ancient's attach, and the anonymous heap of its mark.</summary>
    [Cmdlet(VerbsData.Mount, "AncientHeap", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(AncientHeap))]
    public sealed class MountAncientHeapCommand : HeapFileCommandBase<string>
    {
        private const string AnonymousSet = "Anonymous";

        [Parameter(ParameterSetName = AnonymousSet, Mandatory = true)]
        public SwitchParameter Anonymous { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter ReadOnly { get; set; }

        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MaximumSize { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public Durability Durability { get; set; } = Durability.Fast;

        protected override void ProcessRecord()
        {
            var options = new HeapOptions
            {
                ReadOnly = ReadOnly,
                MaximumSize = MaximumSize,
                Durability = Durability,
                CreateIfMissing = !ReadOnly,
            };

            if (Anonymous)
            {
                MappedHeap anonymous;
                try
                {
                    anonymous = MappedHeap.CreateAnonymous(options);
                }
                catch (AncientHeapDiskFullException e)
                {
                    WriteError(AncientErrors.HeapDiskFull("Cannot create the anonymous heap", null, e));
                    return;
                }
                Publish(anonymous);
                return;
            }

            string path = ResolveFile();
            if (path == null || !CheckFile(path, ReadOnly ? AncientErrors.FileNotFound : (Func<string, ErrorRecord>)null)) return;

            MappedHeap engine = null;
            if (!TryFileWork(() => engine = MappedHeap.Open(path, options), ReadOnly ? HeapFileWork.MountReadOnly : HeapFileWork.Mount, path)) return;
            Publish(engine);
        }

        private void Publish(MappedHeap engine)
        {
            var heap = new AncientHeap(engine);
            MountedHeaps.Add(heap);
            WriteObject(heap);
        }
    }
}

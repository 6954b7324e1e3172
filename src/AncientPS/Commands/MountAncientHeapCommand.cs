using System;
using System.IO;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>Mount-AncientHeap: OCaml ancient's attach, and the anonymous heap of its mark.</summary>
    [Cmdlet(VerbsData.Mount, "AncientHeap", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(AncientHeap))]
    public sealed class MountAncientHeapCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string AnonymousSet = "Anonymous";

        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; }

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

            string path = ParameterSetName == LiteralPathSet ? HeapFilePaths.ResolveLiteral(this, LiteralPath) : HeapFilePaths.ResolveWildcard(this, Path);
            if (path == null) return;
            if (Directory.Exists(path))
            {
                WriteError(AncientErrors.PathIsDirectory(path));
                return;
            }
            string folder = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                WriteError(AncientErrors.PathNotFound(path));
                return;
            }
            if (ReadOnly && !File.Exists(path))
            {
                WriteError(AncientErrors.FileNotFound(path));
                return;
            }

            MappedHeap engine;
            try
            {
                engine = MappedHeap.Open(path, options);
            }
            catch (AncientHeapFormatException e)
            {
                WriteError(AncientErrors.HeapFormat(path, e));
                return;
            }
            catch (UnauthorizedAccessException e)
            {
                WriteError(AncientErrors.AccessDenied(path, e));
                return;
            }
            catch (DirectoryNotFoundException e)
            {
                WriteError(AncientErrors.PathNotFound(path, e));
                return;
            }
            catch (FileNotFoundException e)
            {
                WriteError(ReadOnly ? AncientErrors.FileNotFound(path) : AncientErrors.PathNotFound(path, e));
                return;
            }
            catch (AncientHeapBusyException e)
            {
                WriteError(AncientErrors.HeapBusy(path, e));
                return;
            }
            catch (AncientHeapDiskFullException e)
            {
                WriteError(AncientErrors.HeapDiskFull($"Cannot mount '{path}' for writing", path, e));
                return;
            }
            catch (IOException e)
            {
                WriteError(AncientErrors.MountFailed(path, e));
                return;
            }
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

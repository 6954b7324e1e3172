using System;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Turns a heap that crossed into another process by serialization (Start-Job -ArgumentList $heap, remoting) back into
    /// a mounted heap: the one of that path already mounted in the process, or the file mounted anew, read-only if the
    /// original was. An anonymous heap lives in one process's memory and cannot cross; the error says to use a file heap.
    /// Registered for AncientPS.AncientHeap in AncientPS.Types.ps1xml.
    /// </summary>
    public sealed class AncientHeapConverter : PSTypeConverter
    {
        private const string DeserializedTypeName = "Deserialized.AncientPS.AncientHeap";

        // Why the last conversion on this thread was refused. A refusal while PowerShell binds an entry's Heap property
        // from the pipeline (Get-AncientObject -ListAvailable's entries, passed to Start-Job) leaves -Heap unbound without
        // a word; the cmdlet then reports this reason instead of "no heap is mounted" or using another heap.
        [ThreadStatic] private static string t_refused;

        /// <summary>The reason the last conversion on this thread was refused, if any; forgets it.</summary>
        internal static string TakeRefusal()
        {
            var refused = t_refused;
            t_refused = null;
            return refused;
        }

        private static PSInvalidCastException Refuse(string message, Exception inner = null)
        {
            t_refused = message;
            return inner == null ? new PSInvalidCastException(message) : new PSInvalidCastException(message, inner);
        }

        public override bool CanConvertFrom(object sourceValue, Type destinationType)
            => destinationType == typeof(AncientHeap) && sourceValue is PSObject pso && pso.TypeNames.Contains(DeserializedTypeName);

        public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
        {
            var pso = sourceValue as PSObject;
            if (pso == null || !CanConvertFrom(sourceValue, destinationType))
                throw new PSInvalidCastException($"Only a serialized AncientPS heap converts to {typeof(AncientHeap).FullName}.");
            bool anonymous = pso.Properties["IsAnonymous"]?.Value is bool a && a;
            string path = pso.Properties["Path"]?.Value as string;
            if (anonymous || string.IsNullOrEmpty(path))
                throw Refuse(
                    "An anonymous heap lives in the memory of the process that mounted it and cannot be passed to another process (Start-Job, remoting). Mount a heap file instead (Mount-AncientHeap -Path <file>) and pass that, or use Start-ThreadJob or ForEach-Object -Parallel, which share the process.");
            bool readOnly = pso.Properties["IsReadOnly"]?.Value is bool r && r;
            foreach (var mounted in MountedHeaps.Snapshot())
            {
                if (mounted.IsMounted && !mounted.IsAnonymous && HeapFilePaths.SameFile(mounted.Path, path) && (!mounted.IsReadOnly || readOnly))
                    return mounted;
            }
            MappedHeap engine;
            try
            {
                engine = MappedHeap.Open(path, new HeapOptions { ReadOnly = readOnly, CreateIfMissing = false });
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                throw Refuse($"The heap '{path}' passed from another process could not be mounted here: {e.Message}", e);
            }
            var heap = new AncientHeap(engine);
            MountedHeaps.Add(heap);
            return heap;
        }

        public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

        public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
            => throw new PSInvalidCastException($"A heap does not convert to {destinationType}.");
    }
}

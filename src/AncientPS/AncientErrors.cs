using AncientPS.Projection;
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// Every ErrorRecord the module writes. The FullyQualifiedErrorIds are part of the public contract:
    /// scripts and tests match on them, so an id never changes once shipped.
    /// </summary>
    internal static class AncientErrors
    {
        public static ErrorRecord HeapNotMounted(object target) => Record(
            new InvalidOperationException(target is AncientHeap heap && !heap.IsAnonymous
                ? $"The heap '{heap.Path}' has been dismounted. Mount it again with Mount-AncientHeap and use the heap that returns; values read before the dismount stay unreadable, so call Get-AncientObject again to read them."
                : "The anonymous heap has been dismounted, and its values went with it. Mount a new one with Mount-AncientHeap -Anonymous."),
            "HeapNotMounted", ErrorCategory.ResourceUnavailable, target);

        public static ErrorRecord NoHeapMounted() => Record(
            new InvalidOperationException("No heap is mounted. Mount one with Mount-AncientHeap, or pass it with -Heap."),
            "HeapNotMounted", ErrorCategory.ObjectNotFound, null);

        public static ErrorRecord HeapCannotCross(string reason) => Record(
            new InvalidOperationException(reason),
            "HeapCannotCross", ErrorCategory.InvalidArgument, null);

        public static ErrorRecord HeapAmbiguous(int count) => Record(
            new InvalidOperationException($"{count} heaps are mounted; say which one with -Heap (Get-AncientHeap lists them)."),
            "HeapAmbiguous", ErrorCategory.InvalidArgument, null);

        public static ErrorRecord KeyNotFound(string key, AncientHeap heap, bool suggestLiteralKey = false, bool readByPath = false) => Record(
            new ItemNotFoundException($"The heap {Describe(heap)} has no key '{key}'. "
                + (readByPath && heap != null ? $"Get-AncientObject -LiteralPath {Describe(heap)} -ListAvailable" : "Get-AncientObject -ListAvailable") + " lists its keys."
                + (suggestLiteralKey ? $" '{key}' is not a valid wildcard pattern, so it was taken as a key; to name keys that hold * ? [ or ] exactly, use -LiteralKey." : "")),
            "KeyNotFound", ErrorCategory.ObjectNotFound, key);

        public static ErrorRecord InvalidKey(string key, Exception reason) => Record(
            new ArgumentException($"'{key}' is not a valid key: {FirstSentence(reason.Message)} Keys are 1 to {AncientPS.Engine.MappedHeap.MaxKeyLength} characters without control characters.", reason),
            "InvalidKey", ErrorCategory.InvalidArgument, key);

        public static ErrorRecord PathNotFound(string path, Exception inner = null) => Record(
            new ItemNotFoundException($"Cannot find the path '{path}'. Check that its folder exists; a missing heap file is created, a missing folder is not.", inner),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

        public static ErrorRecord FileNotFound(string path) => Record(
            new ItemNotFoundException($"The heap file '{path}' does not exist, and a read-only mount does not create it. Mount it without -ReadOnly to create it."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

        public static ErrorRecord HeapFileToReadNotFound(string path) => Record(
            new ItemNotFoundException($"The heap file '{path}' does not exist. Get-AncientObject -Path reads an existing heap; Mount-AncientHeap creates one."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

        public static ErrorRecord AmbiguousPath(string path, int count) => Record(
            new ArgumentException($"The path '{path}' matches {count} files; a heap is one file. Give a path that matches exactly one, or use -LiteralPath."),
            "AmbiguousPath", ErrorCategory.InvalidArgument, path);

        public static ErrorRecord PathIsDirectory(string path) => Record(
            new ArgumentException($"'{path}' is a folder. Give the path of a heap file, such as '{Path.Combine(path, "data.heap")}'."),
            "PathIsDirectory", ErrorCategory.InvalidArgument, path);

        public static ErrorRecord ProviderNotFileSystem(string path, ProviderInfo provider) => Record(
            new ArgumentException($"The path '{path}' belongs to the {provider?.Name} provider. A heap is a file: give a FileSystem path."),
            "ProviderNotFileSystem", ErrorCategory.InvalidArgument, path);

        public static ErrorRecord AccessDenied(string path, Exception inner) => Record(
            new UnauthorizedAccessException($"Access to '{path}' is denied. Check the file's permissions, or mount it with -ReadOnly if you may only read it.", inner),
            "AccessDenied", ErrorCategory.PermissionDenied, path);

        public static ErrorRecord MountFailed(string path, Exception inner) => Record(
            new IOException($"Cannot mount '{path}': {inner.Message}", inner),
            "MountFailed", ErrorCategory.OpenError, path);

        public static ErrorRecord HeapFormat(string path, AncientHeapFormatException e)
        {
            switch (e.Problem)
            {
                case HeapFormatProblem.NotAHeap:
                    return Record(new InvalidDataException($"'{path}' is not an AncientPS heap. Give the path of a heap file, or a new path to create one.", e),
                        "NotAHeap", ErrorCategory.InvalidData, path);
                case HeapFormatProblem.NotCreated:
                    return Record(new InvalidOperationException($"'{path}' is not a heap yet: it is empty, or the process creating it stopped before it finished. Mount it without -ReadOnly to create the heap.", e),
                        "HeapNotCreated", ErrorCategory.InvalidOperation, path);
                case HeapFormatProblem.NotARegularFile:
                    return NotAFile(path, e);
                case HeapFormatProblem.NewerVersion:
                    return Record(new InvalidDataException($"'{path}' was written by a newer version of AncientPS. Update the module to read it.", e),
                        "NewerFormat", ErrorCategory.InvalidData, path);
                default:
                    return HeapCorrupt(path, e);
            }
        }

        public static ErrorRecord HeapCorrupt(object target, Exception e) => Record(
            new InvalidDataException($"The heap is damaged: {e.Message} Restore it from a copy, or write its values again.", e),
            "HeapCorrupt", ErrorCategory.InvalidData, target);

        public static ErrorRecord HeapReadOnly(AncientHeap heap, Exception inner) => Record(
            new InvalidOperationException($"The heap {Describe(heap)} is mounted read-only. Mount it without -ReadOnly to change it.", inner),
            "HeapReadOnly", ErrorCategory.PermissionDenied, heap);

        public static ErrorRecord HeapFull(string key, AncientHeapFullException e) => Record(
            new IOException($"The value for '{key}' does not fit: the heap may grow to {e.MaximumSize} bytes and would need {e.RequiredSize}. Nothing was changed. Mount it with a larger -MaximumSize, or remove values.", e),
            "HeapFull", ErrorCategory.LimitsExceeded, key);

        public static ErrorRecord HeapDiskFull(string what, object target, AncientHeapDiskFullException e) => Record(
            new IOException($"{what}: the file system holding the heap is full (the heap file needs {e.RequiredSize} bytes). Nothing was changed; every value already stored is kept. Free some space on that file system, then try again (a full file system still mounts with -ReadOnly).", e),
            "HeapDiskFull", ErrorCategory.WriteError, target);

        public static ErrorRecord HeapFileReplaced(AncientHeap heap, object target, Exception e) => Record(
            new IOException($"The file of the heap {Describe(heap)} was deleted or replaced by another file since it was mounted, so what is written to it would be lost. Nothing was changed. Dismount it and mount the path again.", e),
            "HeapFileReplaced", ErrorCategory.WriteError, target);

        public static ErrorRecord NotAFile(string path, Exception e) => Record(
            new ArgumentException($"{e.Message} A heap is a regular file: give the path of one, or of a new file to create one.", e),
            "NotARegularFile", ErrorCategory.InvalidArgument, path);

        public static ErrorRecord CopySourceFailed(string path, Exception inner) => Record(
            new IOException($"Cannot read the heap '{path}' to copy it: {inner.Message} The destination was left as it was.", inner),
            "CopySourceFailed", ErrorCategory.ReadError, path);

        public static ErrorRecord HeapBusy(string key, Exception e) => Record(
            new TimeoutException($"Another writer held the heap for too long, so '{key}' was not written. Try again.", e),
            "HeapBusy", ErrorCategory.ResourceBusy, key);

        public static ErrorRecord HeapFileBusy(string path, Exception e) => Record(
            new TimeoutException($"Another process held the file '{path}' for too long while the heap in it was being created, so the heap was not opened. Try again once that process has finished creating it.", e),
            "HeapBusy", ErrorCategory.ResourceBusy, path);

        public static ErrorRecord HeapReadFailed(string path, Exception e) => Record(
            new IOException($"Cannot read '{path}': {e.Message} Close the program that holds it, then try again.", e),
            "HeapReadFailed", ErrorCategory.ReadError, path);

        public static ErrorRecord UnsupportedType(string key, AncientUnsupportedTypeException e) => Record(
            new NotSupportedException($"The value for '{key}' cannot be stored: {e.Message} Nothing was stored.", e),
            "UnsupportedType", ErrorCategory.InvalidType, e.Type?.FullName ?? (object)key);

        /// <summary>The warning for a secret left out below a live object (a credential of a drive, a password of a start info).</summary>
        public static string SecretOmitted(string key, string path, Type type) =>
            $"'{key}': {(path.Length == 0 ? "the value" : path)} holds a {type.FullName}, a secret, inside an object you did not build yourself; it is stored as $null. Secrets never reach a heap file.";

        public static string SecretsOmittedBeyond(string key, int more) =>
            $"'{key}': {more} more secrets below live objects are stored as $null (only the first {SecretWarningLimit} are named).";

        public const int SecretWarningLimit = 20;

        private static string Sentence(string text)
        {
            text = (text ?? string.Empty).Trim();
            return text.Length == 0 || text.EndsWith(".", StringComparison.Ordinal) ? text : text + ".";
        }

        /// <summary>The warning for a collection whose enumerator failed while it was stored: what was read before is kept.</summary>
        public static string ReadFailed(string key, string path, Type type, Exception error) =>
            $"'{key}': reading {(string.IsNullOrEmpty(path) ? "the value" : path)} ({type?.FullName ?? "a collection"}) failed: {Sentence(error.Message)} The items read before the failure are stored, as Export-Clixml stores them; store the collection's data in another form (for example @($value) after fixing what fails) to keep all of it.";

        public static ErrorRecord SourceNotFound(string path) => Record(
            new ItemNotFoundException($"The heap file '{path}' does not exist. Give the path of an existing heap to copy."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path);

        public static ErrorRecord DestinationExists(string path) => Record(
            new IOException($"'{path}' already exists. Use -Force to replace it, or give another -Destination."),
            "DestinationExists", ErrorCategory.ResourceExists, path);

        public static ErrorRecord DestinationMounted(string path) => Record(
            new InvalidOperationException($"'{path}' is mounted in this session; replacing it would leave that heap reading the old file. Dismount it first with Dismount-AncientHeap."),
            "DestinationMounted", ErrorCategory.ResourceBusy, path);

        public static ErrorRecord SameSourceAndDestination(string path) => Record(
            new ArgumentException($"The destination '{path}' is the source itself. Copy to another file, then replace the source with it."),
            "SameSourceAndDestination", ErrorCategory.InvalidArgument, path);

        public static ErrorRecord CopyFailed(string path, Exception inner) => Record(
            new IOException($"Cannot copy the heap to '{path}': {inner.Message} The destination was left as it was.", inner),
            "CopyFailed", ErrorCategory.WriteError, path);

        public static ErrorRecord NullInput(string parameter) => Record(
            new ArgumentNullException(parameter, $"-{parameter} cannot be null."),
            "NullInput", ErrorCategory.InvalidArgument, null);

        /// <summary>An update in place (-Index, -Entry) that does not fit the stored value; nothing was changed.</summary>
        public static ErrorRecord UpdateRefused(string key, AncientUpdateException e)
        {
            switch (e.Problem)
            {
                case AncientUpdateProblem.IndexOutOfRange:
                    return Record(new ArgumentOutOfRangeException(null, $"{e.Message} Nothing was changed."), "IndexOutOfRange", ErrorCategory.InvalidArgument, key);
                case AncientUpdateProblem.NotAList:
                    return Record(new InvalidOperationException($"{e.Message} Use -Entry for a dictionary, or store the whole value without -Index. Nothing was changed.", e), "NotAList", ErrorCategory.InvalidType, key);
                case AncientUpdateProblem.NotADictionary:
                    return Record(new InvalidOperationException($"{e.Message} Use -Index for a list, or store the whole value without -Entry. Nothing was changed.", e), "NotADictionary", ErrorCategory.InvalidType, key);
                case AncientUpdateProblem.PackedList:
                    return Record(new InvalidOperationException($"{e.Message} Nothing was changed.", e), "PackedElementType", ErrorCategory.InvalidType, key);
                default:
                    return NullInput("Entry");
            }
        }

        public static ErrorRecord EntryNotFound(string key, object entry) => Record(
            new ItemNotFoundException($"The dictionary '{key}' has no entry '{entry}'. Nothing was removed."),
            "EntryNotFound", ErrorCategory.ObjectNotFound, entry);

        public static ErrorRecord IndexAndEntry() => Record(
            new ArgumentException("-Index addresses a list element and -Entry a dictionary entry; give one of them, not both."),
            "IndexAndEntry", ErrorCategory.InvalidArgument, null);

        /// <summary>Maps an engine exception raised while working on <paramref name="key"/> to its record; null for exceptions that are bugs.</summary>
        public static ErrorRecord FromEngine(Exception e, AncientHeap heap, string key)
        {
            switch (e)
            {
                case ObjectDisposedException _: return HeapNotMounted(heap);
                case AncientHeapReadOnlyException _: return HeapReadOnly(heap, e);
                case AncientHeapFullException full: return HeapFull(key, full);
                case AncientHeapDiskFullException diskFull: return HeapDiskFull(key == null ? "The heap was not changed" : $"'{key}' was not written", key, diskFull);
                case AncientHeapFileReplacedException _: return HeapFileReplaced(heap, key, e);
                case AncientHeapBusyException _: return HeapBusy(key, e);
                case AncientUnsupportedTypeException unsupported: return UnsupportedType(key, unsupported);
                case AncientUpdateException update: return UpdateRefused(key, update);
                case AncientHeapFormatException _: return HeapCorrupt(key, e);
                case UnauthorizedAccessException _: return AccessDenied(heap?.Path ?? key, e);
                case ArgumentOutOfRangeException range when range.ParamName == "Depth":
                    return Record(new ArgumentOutOfRangeException("Depth", $"-Depth must be between 0 and {SetOptions.MaximumDepth}."),
                        "DepthOutOfRange", ErrorCategory.InvalidArgument, key);
                case KeyNotFoundException _: return KeyNotFound(key, heap);
                case IOException _: return Record(e, "HeapIOError", ErrorCategory.WriteError, key);
                default: return null;
            }
        }

        /// <summary>
        /// Maps an exception from opening, copying or checking the heap file at <paramref name="path"/> (a copy's source;
        /// <paramref name="destination"/> is its destination) to its record; null for exceptions that are bugs.
        /// </summary>
        internal static ErrorRecord FromHeapFile(Exception e, HeapFileWork work, string path, string destination = null)
        {
            bool mounting = work == HeapFileWork.Mount || work == HeapFileWork.MountReadOnly;
            // A copy marks the failures of its source; any other failure of a copy is the destination's.
            bool atDestination = work == HeapFileWork.Copy && !e.Data.Contains(HeapCopy.SourceFailedKey);
            switch (e)
            {
                case AncientHeapFormatException format: return HeapFormat(path, format);
                case UnauthorizedAccessException _: return AccessDenied(atDestination ? destination : path, e);
                case AncientHeapBusyException _: return HeapFileBusy(path, e);
                case AncientSnapshotExpiredException _ when work == HeapFileWork.Copy: return CopyFailed(destination, e);
                case AncientHeapDiskFullException diskFull when mounting: return HeapDiskFull($"Cannot mount '{path}' for writing", path, diskFull);
                case FileNotFoundException _ when work == HeapFileWork.MountReadOnly: return FileNotFound(path);
                case FileNotFoundException _ when work != HeapFileWork.Copy: return PathNotFound(path, e);
                case DirectoryNotFoundException _ when mounting: return PathNotFound(path, e);
                case IOException _ when work == HeapFileWork.Copy: return atDestination ? CopyFailed(destination, e) : CopySourceFailed(path, e);
                case IOException _ when work == HeapFileWork.Check: return HeapReadFailed(path, e);
                case IOException _: return MountFailed(path, e);
                default: return null;
            }
        }

        private static ErrorRecord Record(Exception e, string id, ErrorCategory category, object target) => new ErrorRecord(e, id, category, target);

        private static string Describe(AncientHeap heap) => heap == null ? "" : heap.IsAnonymous ? "(anonymous)" : $"'{heap.Path}'";

        private static string FirstSentence(string message)
        {
            // ArgumentException appends "(Parameter 'key')" on .NET Core; users need the reason only.
            int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (cut < 0) cut = message.IndexOf("\nParameter name", StringComparison.Ordinal);
            if (cut < 0) cut = message.IndexOf("\r\nParameter name", StringComparison.Ordinal);
            return (cut >= 0 ? message.Substring(0, cut) : message).Trim();
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using AncientPS.Engine.Storage;
using AncientPS.Engine.Verification;

namespace AncientPS.Engine
{
    /// <summary>
    /// Checks a whole heap file, like fsck: the header, both meta pages, the reader table, every directory node and key
    /// entry, every value node (within its extents, checksummed, each node visited once), and the free space accounting.
    /// It only reads: the file is opened read-only and not a byte of it, nor its timestamp, changes.
    /// </summary>
    public static class HeapVerifier
    {
        /// <summary>
        /// Verifies the heap file at <paramref name="path"/> and returns every problem found (none for a healthy heap).
        /// Bad bytes are reported, never thrown; a missing or unreadable file throws as File.Open does.
        /// <paramref name="progress"/> is called now and then with (bytes checked, bytes to check).
        /// </summary>
        public static IReadOnlyList<HeapProblem> Verify(string path, Action<long, long> progress = null, CancellationToken cancellationToken = default)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            string full = System.IO.Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new IOException($"'{full}' is a folder, not a heap file. Give the path of a file.");
            if (!File.Exists(full)) throw new FileNotFoundException($"The heap file '{full}' does not exist.", full);
            HeapFile.RefuseNonRegularFile(full);

            // A heap this process has open is read through its own mapping: opening and closing another descriptor of
            // the file could release the byte-range lock its writer holds.
            if (HeapRegistry.TryAddRef(full, out var core))
            {
                try
                {
                    using (var image = new CoreImage(core))
                        return new HeapChecker(full, image, progress, cancellationToken).Run();
                }
                finally
                {
                    core.Release();
                }
            }

            const int attempts = 3;
            for (int attempt = 1; ; attempt++)
            {
                using (var image = FileImage.Open(full, out var early))
                {
                    if (image == null) return early;
                    var checker = new HeapChecker(full, image, progress, cancellationToken);
                    var problems = checker.Run();
                    // Without a reader slot nothing stops a writer elsewhere from reusing the checked snapshot's space;
                    // problems found while that happened may be artefacts, so check again on a newer snapshot.
                    if (problems.Count == 0 || !checker.SnapshotReused()) return problems;
                    if (attempt == attempts)
                    {
                        var list = new List<HeapProblem>(problems)
                        {
                            new HeapProblem(full, HeapArea.Meta, 0, null,
                                "Other processes kept writing to the heap while it was checked, so some of these problems may come from their writes. Check it again when it is idle."),
                        };
                        return list;
                    }
                }
            }
        }
    }
}

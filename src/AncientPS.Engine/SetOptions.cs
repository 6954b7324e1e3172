using System;
using System.Threading;

namespace AncientPS.Engine
{
    /// <summary>Options for one <see cref="MappedHeap.Set"/>.</summary>
    public sealed class SetOptions
    {
        /// <summary>Default depth for objects stored as records of their properties, as Export-Clixml uses.</summary>
        public const int DefaultDepth = 2;

        /// <summary>The largest depth accepted.</summary>
        public const int MaximumDepth = 100;

        /// <summary>How many levels of ordinary .NET objects are stored as records of their properties;
        /// deeper ones are stored as their ToString(). Collections, dictionaries and property bags do not count.</summary>
        public int Depth { get; set; } = DefaultDepth;

        /// <summary>Cancels a long write; the heap is left as it was.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>Lets a host (such as the PowerShell module) describe its own object kinds.</summary>
        public ObjectConverter Converter { get; set; }

        /// <summary>
        /// When set, a secret (SecureString, PSCredential, NetworkCredential) met below an object stored as a record of
        /// its .NET properties (not below what the caller built: its collections, dictionaries and property bags) is stored
        /// as null, and this is called with its path ([12].PSDrive.Credential) and type. Unset, every secret is refused.
        /// </summary>
        public Action<string, Type> SecretOmitted { get; set; }

        /// <summary>
        /// Called when a collection being stored fails while it is read (its enumerator throws), with its path, its type
        /// and the exception: what was read before the failure is stored, as PowerShell's serializer does. Unset, the
        /// same happens without a word.
        /// </summary>
        public Action<string, Type, Exception> ReadFailed { get; set; }

        /// <summary>Called now and then with the number of nodes written so far.</summary>
        public Action<long> Progress { get; set; }

        /// <summary>Writes records and lists as format 1.1 did (every slot a tag and an 8-byte payload): for the tests that read older files.</summary>
        internal bool ClassicLayout { get; set; }
    }
}

using System;

namespace AncientPS.Engine
{
    /// <summary>Options for opening a heap.</summary>
    public sealed class HeapOptions
    {
        /// <summary>Open without write access: Set and Remove are refused.</summary>
        public bool ReadOnly { get; set; }

        /// <summary>The largest size the heap may grow to, in bytes; 0 means no limit.</summary>
        public long MaximumSize { get; set; }

        /// <summary>Create the file when it is missing or empty (default true).</summary>
        public bool CreateIfMissing { get; set; } = true;

        /// <summary>When commits reach stable storage.</summary>
        public Durability Durability { get; set; } = Durability.Fast;

        /// <summary>How long a writer waits for another writer to finish before giving up.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Unix permission bits for a newly created heap file (default 0600: owner only). Ignored on Windows.</summary>
        public int UnixCreateMode { get; set; } = Convert.ToInt32("600", 8);

        internal HeapOptions Clone() => (HeapOptions)MemberwiseClone();
    }
}

using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Hands every stored record out as a PSCustomObject with lazily read note properties (<see cref="StoredRecordObject"/>):
    /// at the root, in lists, in dictionaries and in properties. Lists and dictionaries stay the engine's lazy views (each inside a
    /// PSObject named after its original type, <see cref="OriginalTypeNames"/>).
    /// </summary>
    internal sealed class PowerShellProjection : ValueProjection
    {
        public static readonly PowerShellProjection Instance = new PowerShellProjection();

        private const string ByteArrayName = "System.Byte[]";

        private PowerShellProjection() { }

        static PowerShellProjection()
        {
            // AncientValue.Describe($x) looks through the module's own objects for a stored list or dictionary to the view.
            AncientValue.HostViewOf = value => OriginalTypeNames.CollectionOf(value) is object collection ? StoredDictionary.ViewOf(collection) : null;
        }

        public override object ProjectRecord(StoredRecord record)
        {
            if (StoredXmlDocument.IsDocument(record)) return (object)StoredXmlDocument.TryRead(record) ?? StoredRecordObject.Project(record);
            if (StoredEmptyCredential.IsEmptyCredential(record)) return PSCredential.Empty;
            var projected = StoredRecordObject.Project(record);
            return SerializerRehydration.TryRehydrate(record, projected) ?? projected;
        }

        /// <summary>
        /// A key that went down a pipeline arrives as a PSObject around the string (<c>$keys | Sort-Object | % { $d[$_] }</c>):
        /// the lookup is for the string, as a hashtable's is. A PSCustomObject key stays itself.
        /// </summary>
        public override object LookupKey(object key)
            => key is System.Management.Automation.PSObject pso && !(pso.BaseObject is System.Management.Automation.PSCustomObject) ? pso.BaseObject : key;

        public override object ProjectRecord(AncientRecord record) => ProjectRecord(new StoredRecord(record));

        // A list or dictionary read from a record (or from a list that was) keeps that record, so that the records it
        // hands out later find their ancestors: $a.Items[0].Parent is $a itself when the original's was.
        public override object ProjectList(AncientList list)
        {
            // A byte[] is one of the serializer's own types (Import-Clixml gives it back as a byte[], from base64): a blob
            // that .NET methods take as a byte[] ([IO.File]::WriteAllBytes, [Convert]::ToBase64String). It comes back as
            // one, copied out in bulk, as an [xml] document comes back as a document.
            if (list.ToString() == ByteArrayName && list.ToArray() is byte[] bytes) return bytes;
            AncientValue.SetProjectionParent(list, StoredRecordObject.CurrentReader);
            return OriginalTypeNames.Wrap(list, list.ToString());
        }

        public override object ProjectDictionary(AncientDictionary dictionary)
        {
            AncientValue.SetProjectionParent(dictionary, StoredRecordObject.CurrentReader);
            return OriginalTypeNames.Wrap(StoredDictionary.For(dictionary), dictionary.ToString());
        }

        public override object BeginElement(object parent) => StoredRecordObject.EnterReading(parent as StoredRecordObject);

        public override void EndElement(object state) => StoredRecordObject.ExitReading(state as StoredRecordObject);
    }
}

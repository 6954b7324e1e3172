using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Hands every stored record out as a PSCustomObject with lazily read note properties (<see cref="StoredRecordObject"/>):
    /// at the root, in lists, in dictionaries and in properties. Lists and dictionaries stay the engine's lazy views.
    /// </summary>
    internal sealed class PowerShellProjection : ValueProjection
    {
        public static readonly PowerShellProjection Instance = new PowerShellProjection();

        private PowerShellProjection() { }

        public override object ProjectRecord(StoredRecord record)
            => StoredXmlDocument.IsDocument(record) ? (object)StoredXmlDocument.TryRead(record) ?? StoredRecordObject.Project(record) : StoredRecordObject.Project(record);

        public override object ProjectRecord(AncientRecord record) => ProjectRecord(new StoredRecord(record));
    }
}

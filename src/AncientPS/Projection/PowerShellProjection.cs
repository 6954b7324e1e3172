using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// Hands every stored record out as a bare <see cref="AncientRecordHandle"/>: at the root, in lists, in dictionaries and in
    /// fields. PowerShell wraps it in a PSObject (with the record adapter) wherever it needs one; left bare, a loop
    /// allocates one object less per record and member access takes the compiled path of <see cref="RecordMetaObject"/>.
    /// </summary>
    internal sealed class PowerShellProjection : ValueProjection
    {
        public static readonly PowerShellProjection Instance = new PowerShellProjection();

        private PowerShellProjection() { }

        public override object ProjectRecord(StoredRecord record) => new AncientRecordHandle(record);

        public override object ProjectRecord(AncientRecord record) => new AncientRecordHandle(record);
    }
}

using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>Hands every stored record out as a PSObject over an <see cref="AncientRecordHandle"/>: at the root, in lists, in dictionaries and in fields.</summary>
    internal sealed class PowerShellProjection : ValueProjection
    {
        public static readonly PowerShellProjection Instance = new PowerShellProjection();

        private PowerShellProjection() { }

        public override object ProjectRecord(AncientRecord record) => AncientRecordHandle.Wrap(record);
    }
}

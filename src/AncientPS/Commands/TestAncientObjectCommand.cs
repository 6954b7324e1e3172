using AncientPS.Projection;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>Test-AncientObject: OCaml ancient's is_ancient. True for a value read lazily from a heap, false for anything else (including a -Materialize copy).</summary>
    [Cmdlet(VerbsDiagnostic.Test, "AncientObject")]
    [OutputType(typeof(bool))]
    public sealed class TestAncientObjectCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [AllowEmptyCollection]
        [AllowEmptyString]
        public object InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject is StoredRecordObject)
            {
                WriteObject(true);
                return;
            }
            object value = InputObject is PSObject wrapper ? wrapper.BaseObject : InputObject;
            WriteObject(AncientPS.Engine.MappedHeap.IsAncient(value));
        }
    }
}

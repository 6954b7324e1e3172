using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// [PSCredential]::Empty (the Credential of every drive, so of every file's PSDrive) holds no secret. PowerShell's
    /// serializer writes it as a PSCredential whose UserName and Password are null, at any depth, and Import-Clixml gives
    /// back [PSCredential]::Empty itself. It is stored as that record, and the record reads back as [PSCredential]::Empty.
    /// A credential with a user or a password is a secret, and is never stored.
    /// </summary>
    internal static class StoredEmptyCredential
    {
        private static readonly string[] s_typeNames = { typeof(PSCredential).FullName, typeof(object).FullName };
        private static readonly string[] s_names = { "UserName", "Password" };

        /// <summary>The record an empty credential is stored as (one for all: the serializer's copies are one object too).</summary>
        public static readonly MaterializedRecord Record = new MaterializedRecord(s_typeNames, s_names, new object[2]);

        /// <summary>True for a record stored by <see cref="Record"/>: PSCredential's type names, UserName and Password, both null.</summary>
        public static bool IsEmptyCredential(StoredRecord record)
        {
            if (record.Count != 2 || !record.IsPropertyBag) return false;
            var typeNames = record.TypeNames;
            if (typeNames.Count != 2 || typeNames[0] != s_typeNames[0] || typeNames[1] != s_typeNames[1]) return false;
            return record.Names[0] == s_names[0] && record.Names[1] == s_names[1] && record.GetValue(0) == null && record.GetValue(1) == null;
        }
    }
}

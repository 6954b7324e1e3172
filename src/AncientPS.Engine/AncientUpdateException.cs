using System;

namespace AncientPS.Engine
{
    /// <summary>An update in place that does not fit the stored value; nothing was changed.</summary>
    public sealed class AncientUpdateException : InvalidOperationException
    {
        public AncientUpdateException(AncientUpdateProblem problem, string message) : base(message) { Problem = problem; }

        public AncientUpdateProblem Problem { get; }
    }
}

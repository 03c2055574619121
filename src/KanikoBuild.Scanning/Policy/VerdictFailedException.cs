namespace KanikoBuild.Scanning;

/// <summary>
/// The scan policy failed the image: a verdict, not a fault. Callers that expect some images to fail (the Sandbox's
/// vulnerable sample) tell it from every other failure by this type; everyone else sees a <see cref="PipelineException"/>
/// whose message is the verdict line, naming the CVEs.
/// </summary>
public sealed class VerdictFailedException : PipelineException
{
    public VerdictFailedException(ScanResult result, Verdict verdict)
        : base(PolicyEvaluator.OneLine(result, verdict))
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.Passed)
            throw new ArgumentException("A passing verdict is not a failure.", nameof(verdict));
        Result = result;
        Verdict = verdict;
    }

    public ScanResult Result { get; }

    public Verdict Verdict { get; }
}

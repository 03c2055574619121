namespace KanikoBuild.Scanning;

/// <summary>The reports <see cref="ReportWriter"/> can produce (<c>--report-formats</c>).</summary>
public enum ReportFormat
{
    /// <summary>The severity table, the failing findings and the one-line verdict, in the build log.</summary>
    Log,

    /// <summary><c>scan-summary.md</c>, appended to <c>GITHUB_STEP_SUMMARY</c> when set.</summary>
    Markdown,

    /// <summary><c>scan-junit.xml</c>: one test case per failing finding.</summary>
    JUnit,

    /// <summary><c>scan.sarif</c>: SARIF 2.1.0 for code-scanning tabs.</summary>
    Sarif,

    /// <summary><c>gl-container-scanning-report.json</c>: GitLab's container-scanning report.</summary>
    GitLab,

    /// <summary><c>scan-result.json</c>: the normalised result and verdict for other tools.</summary>
    Json,
}

namespace KanikoBuild.Tooling.Doctor;

/// <summary>One line per peer the pipeline needs: ok, not configured, a warning, or what is wrong and what to do.</summary>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail);

public enum DoctorStatus
{
    Ok,
    NotConfigured,
    /// <summary>Worth fixing, but no target of the pipeline fails for it (a tool only the tests use).</summary>
    Warning,
    Failed,
}

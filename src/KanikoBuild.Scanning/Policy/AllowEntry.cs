namespace KanikoBuild.Scanning;

/// <summary>
/// An accepted CVE: it is reported but not counted against the limits until <see cref="Expires"/> has passed.
/// The entry holds through the whole of its expiry day; from the next day on the CVE counts again.
/// </summary>
public sealed record AllowEntry(string Id, string Reason, DateOnly Expires)
{
    public bool Matches(string vulnerabilityId) => string.Equals(Id.Trim(), vulnerabilityId.Trim(), StringComparison.OrdinalIgnoreCase);

    public bool IsActiveOn(DateOnly today) => today <= Expires;
}

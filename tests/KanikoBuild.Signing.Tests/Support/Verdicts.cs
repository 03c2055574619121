namespace KanikoBuild.Signing.Tests;

public static class Verdicts
{
    public static readonly string PolicyDigest = PolicyDigests.OfFile("failOn: {critical: 0, high: 0}\n"u8);

    public static VerdictClaims Passing(int high = 0) => new(true, new ScannerInfo("twistcli", "32.07.123"),
        [new("critical", 0), new("high", high), new("medium", 3), new("low", 7), new("unknown", 1)], PolicyDigest)
    {
        ScanTime = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        ConsoleUrl = new Uri("https://console.example.com/#!/monitor/vulnerabilities/images/ci?search=sha256"),
    };

    public static VerdictClaims Failing() => new(false, new ScannerInfo("twistcli", "32.07.123"), [new("critical", 2)], PolicyDigest);
}

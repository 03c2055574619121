namespace KanikoBuild.Prisma;

/// <summary>The Compute Console, the account used on it and where twistcli comes from, as the user gave them.</summary>
[ParameterGroup("The Console and twistcli")]
public sealed record ConsoleOptions
{
    [Parameter("Prisma Cloud Compute Console URL, with the SaaS path prefix if any (https://host/tenant).", Name = "ConsoleUrl")]
    public Uri? Url { get; init; }

    [Parameter("Console user, or access key ID on SaaS.", Name = "ConsoleUser")]
    public string? User { get; init; }

    [Parameter("Console password, or secret key on SaaS.", Name = "ConsolePassword")]
    [Secret]
    public string? Password { get; init; }

    [Parameter("Console project (multi-tenant self-hosted Consoles).", Name = "ConsoleProject")]
    public string? Project { get; init; }

    [Parameter("CA certificate (PEM) the Console's TLS certificate is checked against.", Name = "ConsoleCaCert")]
    public string? CaCert { get; init; }

    [Parameter("Path of a twistcli binary to use instead of downloading it from the Console.")]
    public string? TwistcliPath { get; init; }

    // The password must never reach a log line through a record's generated ToString.
    public override string ToString() => $"ConsoleOptions {{ Url = {Url}, User = {User}, Project = {Project} }}";
}

namespace KanikoBuild.Registry;

/// <summary>The registries the pipeline pushes to and promotes between, and the logins for them, as the user gave them.</summary>
[ParameterGroup("Registries")]
public sealed record RegistryOptions
{
    [Parameter("Dev registry the Console scans: host[:port][/path-prefix].", Name = "DevRegistry")]
    public RegistrySpec? Dev { get; init; }

    [Parameter("Production registry: host[:port][/path-prefix].", Name = "ProdRegistry")]
    public RegistrySpec? Prod { get; init; }

    [Parameter("Dev registry user.", Name = "DevRegistryUser")]
    public string? DevUser { get; init; }

    [Parameter("Dev registry password or token.", Name = "DevRegistryPassword")]
    [Secret]
    public string? DevPassword { get; init; }

    [Parameter("Production registry user.", Name = "ProdRegistryUser")]
    public string? ProdUser { get; init; }

    [Parameter("Production registry password or token.", Name = "ProdRegistryPassword")]
    [Secret]
    public string? ProdPassword { get; init; }

    [Parameter("Registries reached over plain HTTP (repeatable). Loopback addresses always are.", Name = "InsecureRegistry")]
    public RegistrySpec[] Insecure { get; init; } = [];

    // The passwords must never reach a log line through a record's generated ToString.
    public override string ToString() => $"RegistryOptions {{ Dev = {Dev}, Prod = {Prod}, DevUser = {DevUser}, ProdUser = {ProdUser} }}";
}

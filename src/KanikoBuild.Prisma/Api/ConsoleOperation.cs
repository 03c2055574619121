namespace KanikoBuild.Prisma.Api;

/// <summary>What a Compute endpoint needs of the account's role; the error for a refusal names it.</summary>
internal enum Permission { Any, Login, MonitorImages, MonitorCi, ScanRegistries, Downloads }

/// <summary>
/// Which call a request is, read off its route (<c>GET /registry</c>), for the messages of its failures and the
/// role it needs: the exception factories see only the request, never the interface method.
/// </summary>
internal sealed record ConsoleOperation(string What, Permission Permission)
{
    public static ConsoleOperation Of(HttpRequestMessage? request, ConsoleEndpoint endpoint)
    {
        var path = request?.RequestUri?.AbsolutePath ?? "";
        var prefix = endpoint.ApiBase.AbsolutePath.TrimEnd('/');
        var route = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
        var permission = route switch
        {
            "/authenticate" => Permission.Login,
            "/registry" or "/registry/progress" => Permission.MonitorImages,
            "/registry/scan" => Permission.ScanRegistries,
            "/scans" => Permission.MonitorCi,
            _ when route.StartsWith("/util/", StringComparison.Ordinal) => Permission.Downloads,
            _ => Permission.Any,
        };
        return new ConsoleOperation($"{request?.Method.Method ?? "GET"} {route}", permission);
    }

    public string RoleHint => Permission switch
    {
        Permission.MonitorImages => "Reading registry scan results needs the monitorImages permission: a DevSecOps User, Auditor or higher role " +
            "(on SaaS a permission group with Monitor > Vulnerabilities > Images). A CI User cannot read them.",
        Permission.MonitorCi => "Reading CI scan results needs the monitorCI permission: a DevOps User, DevSecOps User, Auditor or higher role. A CI User cannot read them.",
        Permission.ScanRegistries => "Triggering a registry scan needs write access to registry scanning (e.g. the Administrator or Vulnerability Manager role). " +
            "If a registry webhook starts the scan, run with --trigger-scan false.",
        Permission.Downloads => "Downloading twistcli needs the downloads permission, which every role including CI User has: check that the account is enabled.",
        _ => "Check that the account is enabled and its role may use the Compute API.",
    };
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace KanikoBuild.ConsoleSimulator.Hosting;

/// <summary>
/// Everything in front of the endpoints: the SaaS path prefix, versioned routes (<c>/api/v34.04/…</c> served
/// as <c>/api/v1/…</c>), the scenario's faults, the documented rate limit, and authentication.
/// </summary>
internal sealed partial class ApiGate(SimulatorState state, SimulatorLog log)
{
    public const string UserItem = "simulator.user";

    [GeneratedRegex(@"^/api/v(?<version>1|\d{2}\.\d{2})(?<rest>/.*)?$")]
    private static partial Regex VersionedRoute();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var stopwatch = Stopwatch.StartNew();
        var method = context.Request.Method;
        var shown = context.Request.Path.Value + context.Request.QueryString.Value;
        try
        {
            await GateAsync(context, next);
        }
        finally
        {
            var path = context.Request.Path.Value ?? string.Empty;
            state.Record(new RequestRecord(method, path, context.Response.StatusCode, state.Now));
            log.Write($"{method} {shown} -> {context.Response.StatusCode} ({stopwatch.ElapsedMilliseconds} ms)");
        }
    }

    async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "/";
        var prefix = state.Options.PathPrefix.TrimEnd('/');
        if (prefix.Length > 0)
        {
            if (!path.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                await Respond.Error(context, state, StatusCodes.Status404NotFound, $"not found (this Console is served under {prefix})");
                return;
            }
            path = path[prefix.Length..];
        }

        if (path.StartsWith("/simulator/", StringComparison.Ordinal))
        {
            if (!state.Options.ControlEndpoints)
            {
                await Respond.Error(context, state, StatusCodes.Status404NotFound, "not found");
                return;
            }
            context.Request.Path = path;
            await next(context);
            return;
        }

        var match = VersionedRoute().Match(path);
        if (!match.Success)
        {
            await Respond.Error(context, state, StatusCodes.Status404NotFound, "not found");
            return;
        }
        path = "/api/v1" + match.Groups["rest"].Value;
        context.Request.Path = path;
        var method = context.Request.Method;

        if (state.TakeFault(method, path, r => r.Kind == FaultKind.Slow) is { } slow)
            await Task.Delay(slow.Delay, state.Options.TimeProvider, context.RequestAborted);

        if (state.TakeFault(method, path, r => r.Kind == FaultKind.Status) is { } failure)
        {
            if (failure.RetryAfterSeconds is { } seconds)
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Respond.Error(context, state, failure.Status, $"simulated transient failure {failure.Status}");
            return;
        }

        if (IsRateLimited(method, path) && !state.TryTakeRateSlot(out var retryAfter))
        {
            if (state.Options.RateLimit.SendRetryAfter)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Respond.Error(context, state, StatusCodes.Status429TooManyRequests,
                $"rate limit exceeded: {state.Options.RateLimit.Requests} requests per {state.Options.RateLimit.Window.TotalSeconds:0} seconds");
            return;
        }

        if (!(method == HttpMethods.Post && path == "/api/v1/authenticate"))
        {
            var (user, problem) = Authenticate(context);
            if (user is null)
            {
                await Respond.Error(context, state, StatusCodes.Status401Unauthorized, problem!);
                return;
            }
            context.Items[UserItem] = user;
        }
        await next(context);
    }

    bool IsRateLimited(string method, string path)
    {
        var limit = state.Options.RateLimit;
        if (!limit.Enabled)
            return false;
        if (limit.AllEndpoints)
            return path != "/api/v1/authenticate";
        // The limit is documented for these GETs (prisma.md §2.9).
        return method == HttpMethods.Get && path is "/api/v1/registry" or "/api/v1/scans";
    }

    (SimulatorUser? User, string? Problem) Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var grant = state.FindToken(header[7..].Trim());
            if (grant is null)
                return (null, "invalid token");
            if (grant.ExpiresAt <= state.Now)
                return (null, "token expired");
            return (state.Options.Users.FirstOrDefault(u => u.Username == grant.Username) ?? new SimulatorUser(grant.Username, string.Empty, grant.Role), null);
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
            catch (FormatException) { return (null, "malformed basic credentials"); }
            var separator = decoded.IndexOf(':');
            var user = separator < 0 ? null : FindUser(decoded[..separator], decoded[(separator + 1)..]);
            return user is null ? (null, "invalid credentials") : (user, null);
        }
        return (null, "missing authorization");
    }

    public SimulatorUser? FindUser(string username, string password) =>
        state.Options.Users.FirstOrDefault(u => u.Username == username && u.Password == password);
}

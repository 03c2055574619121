using System.Net.Http.Headers;
using System.Text;

namespace KanikoBuild.Registry;

/// <summary>A <c>WWW-Authenticate</c> challenge: <c>Bearer realm="…",service="…",scope="…"</c> or <c>Basic realm="…"</c>.</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>The first Bearer or Basic challenge of a 401 response, or null.</summary>
    public static AuthChallenge? From(HttpResponseMessage response)
    {
        AuthChallenge? basic = null;
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            var challenge = Parse(header);
            if (challenge.IsBearer)
                return challenge;
            if (challenge.IsBasic)
                basic ??= challenge;
        }
        return basic;
    }

    static AuthChallenge Parse(AuthenticationHeaderValue header) =>
        new(header.Scheme, ParseParameters(header.Parameter ?? string.Empty));

    public static AuthChallenge Parse(string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? new AuthChallenge(trimmed, new Dictionary<string, string>())
            : new AuthChallenge(trimmed[..space], ParseParameters(trimmed[(space + 1)..]));
    }

    /// <summary>Parses <c>key="value", key=token</c>; quoted values may hold commas (scopes do: <c>pull,push</c>).</summary>
    internal static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
                i++;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
                i++;
            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }
            i++;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                        i++;
                    value.Append(text[i]);
                    i++;
                }
                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                    value.Append(text[i++]);
            }
            if (key.Length > 0)
                result[key] = value.ToString().Trim();
        }
        return result;
    }
}

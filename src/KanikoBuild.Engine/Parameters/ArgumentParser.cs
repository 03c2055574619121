namespace KanikoBuild.Engine.Parameters;

/// <summary>
/// The command line as Nuke reads it: leading tokens are targets; <c>--name v1 v2</c> takes every token up
/// to the next one starting with '-'; names ignore case and dashes; the last occurrence wins.
/// <c>--name=value</c> is accepted too. For a list parameter every occurrence counts
/// (<see cref="GetAll"/>): kaniko's own users write <c>--destination a --destination b</c>, and keeping only the
/// last one would ship to fewer places than asked, silently.
/// </summary>
internal sealed class ParsedArguments
{
    readonly Dictionary<string, (string Switch, List<string> Values)> _named = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<string>> _every = new(StringComparer.Ordinal);

    ParsedArguments(IReadOnlyList<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    /// <param name="booleanSwitches">
    /// Normalized names of boolean parameters. A boolean switch takes at most one value, and only a literal
    /// true/false; the tokens after it are targets, so <c>./build.sh --no-logo Test</c> means what it says.
    /// </param>
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlySet<string>? booleanSwitches = null)
    {
        var index = 0;
        var positional = new List<string>();
        while (index < args.Count && !IsSwitch(args[index]))
            positional.Add(args[index++]);

        var parsed = new ParsedArguments(positional);
        while (index < args.Count)
        {
            var token = args[index++];
            var values = new List<string>();
            var equals = token.IndexOf('=');
            if (equals > 0)
            {
                values.Add(token[(equals + 1)..]);
                token = token[..equals];
            }
            while (index < args.Count && !IsSwitch(args[index]))
                values.Add(args[index++]);
            if (booleanSwitches is not null && booleanSwitches.Contains(NameCase.Normalize(token)))
            {
                var keep = equals > 0 || (values.Count > 0 && bool.TryParse(values[0], out _)) ? 1 : 0;
                positional.AddRange(values.Skip(keep));
                values.RemoveRange(keep, values.Count - keep);
            }
            var key = NameCase.Normalize(token);
            parsed._named[key] = (token, values);
            if (parsed._every.TryGetValue(key, out var earlier))
                earlier.AddRange(values);
            else
                parsed._every[key] = [.. values];
        }
        return parsed;
    }

    // A lone "-" or a negative number is a value, not a switch.
    static bool IsSwitch(string token) => token.Length > 1 && token[0] == '-' && !char.IsDigit(token[1]);

    public bool Has(string name) => _named.ContainsKey(NameCase.Normalize(name));

    /// <summary>The values after the switch (empty for a bare switch), or null when it is absent.</summary>
    public IReadOnlyList<string>? Get(string name) => _named.TryGetValue(NameCase.Normalize(name), out var entry) ? entry.Values : null;

    /// <summary>The values of every occurrence of the switch, in order (for list parameters), or null when it is absent.</summary>
    public IReadOnlyList<string>? GetAll(string name) => _every.TryGetValue(NameCase.Normalize(name), out var values) ? values : null;

    /// <summary>The switches as typed, keyed by their normalized name.</summary>
    public IEnumerable<(string Key, string Switch)> Switches => _named.Select(p => (p.Key, p.Value.Switch));
}

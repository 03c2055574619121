namespace KanikoBuild.ConsoleSimulator.Scanning;

/// <summary>
/// Orders Alpine package versions well enough for a feed: numbers compare as numbers, letters as text,
/// and the <c>-rN</c> package release last (1.1.1k-r0 &lt; 1.1.1w-r0 &lt; 1.1.1w-r1 &lt; 3.0.0-r0).
/// </summary>
internal static class ApkVersion
{
    public static int Compare(string left, string right)
    {
        var a = Tokens(left);
        var b = Tokens(right);
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            if (i >= a.Count)
                return -1;
            if (i >= b.Count)
                return 1;
            var (x, y) = (a[i], b[i]);
            var xNumeric = long.TryParse(x, out var xn);
            var yNumeric = long.TryParse(y, out var yn);
            var order = (xNumeric, yNumeric) switch
            {
                (true, true) => xn.CompareTo(yn),
                // A number sorts after a letter suffix: 1.2 > 1.2_rc1 is not modelled; 1.10 > 1.9a is.
                (true, false) => 1,
                (false, true) => -1,
                _ => string.CompareOrdinal(x, y),
            };
            if (order != 0)
                return Math.Sign(order);
        }
        return 0;
    }

    /// <summary>True when <paramref name="version"/> satisfies an expression such as <c>&lt;1.1.1w-r0</c>,
    /// <c>&gt;=3.0.0,&lt;3.0.7-r0</c> or <c>1.2.3-r0</c> (exact).</summary>
    public static bool Satisfies(string version, string expression)
    {
        foreach (var raw in expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (op, operand) = raw switch
            {
                _ when raw.StartsWith("<=", StringComparison.Ordinal) => ("<=", raw[2..]),
                _ when raw.StartsWith(">=", StringComparison.Ordinal) => (">=", raw[2..]),
                _ when raw.StartsWith('<') => ("<", raw[1..]),
                _ when raw.StartsWith('>') => (">", raw[1..]),
                _ when raw.StartsWith('=') => ("=", raw.TrimStart('=')),
                _ => ("=", raw),
            };
            var order = Compare(version, operand.Trim());
            var ok = op switch
            {
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => order == 0,
            };
            if (!ok)
                return false;
        }
        return true;
    }

    static List<string> Tokens(string version)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        bool? digits = null;
        foreach (var c in version)
        {
            if (c is '.' or '-' or '_' or '+' or '~')
            {
                Flush();
                continue;
            }
            var isDigit = char.IsAsciiDigit(c);
            if (digits is not null && digits != isDigit)
                Flush();
            digits = isDigit;
            current.Append(c);
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
                tokens.Add(current.ToString());
            current.Clear();
            digits = null;
        }
    }
}

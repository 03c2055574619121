using System.Text;

namespace KanikoBuild;

/// <summary>How a parameter's name is spelled on the command line, in the environment, and when compared.</summary>
public static class NameCase
{
    /// <summary><c>ConsoleUrl</c> → <c>console-url</c>, <c>HTTPProxy</c> → <c>http-proxy</c>.</summary>
    public static string ToKebab(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                    text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary><c>CONSOLE_URL</c> → <c>CONSOLEURL</c>: the form in which names are compared (case, dashes and underscores ignored).</summary>
    public static string Normalize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
                text.Append(char.ToUpperInvariant(c));
        }
        return text.ToString();
    }

    /// <summary><c>ConsoleUrl</c> → <c>CONSOLE_URL</c>, the usual spelling of its environment variable.</summary>
    public static string ToEnvironment(string name) => ToKebab(name).Replace('-', '_').ToUpperInvariant();
}

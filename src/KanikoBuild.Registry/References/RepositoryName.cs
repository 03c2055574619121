using System.Text.RegularExpressions;

namespace KanikoBuild.Registry;

/// <summary>Repository names and tags as the OCI distribution spec allows them.</summary>
public static partial class RepositoryName
{
    [GeneratedRegex("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static bool IsValid(string? name) => name is { Length: > 0 and <= 255 } && NamePattern().IsMatch(name);

    public static bool IsValidTag(string? tag) => tag is not null && TagPattern().IsMatch(tag);

    public static string Validate(string? name, string what = "repository")
    {
        if (!IsValid(name))
            throw new PipelineException($"The {what} name '{name}' is not a valid repository name: use lowercase letters, digits and the separators . _ __ - and /, each path component starting and ending with a letter or digit.");
        return name!;
    }

    public static string ValidateTag(string? tag)
    {
        if (!IsValidTag(tag))
            throw new PipelineException($"The tag '{tag}' is not valid: up to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.");
        return tag!;
    }
}

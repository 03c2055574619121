using System.Text;
using KanikoBuild.Engine.Execution;
using KanikoBuild.Engine.Parameters;

namespace KanikoBuild.Engine.Output;

/// <summary><c>--help</c> in Nuke's layout: the targets with their direct dependencies, then the build's parameters, then the engine's.</summary>
internal static class HelpText
{
    const int DescriptionWidth = 80;

    public static string Format(IReadOnlyList<ExecutableTarget> targets, IReadOnlyCollection<string> defaultTargets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var text = new StringBuilder();
        text.AppendLine("Targets (with their direct dependencies):").AppendLine();
        var listed = targets.Where(t => t.Listed).ToList();
        string Display(ExecutableTarget t) => defaultTargets.Contains(t.Name) ? $"{t.Name} (default)" : t.Name;
        var targetWidth = Math.Max(listed.Select(t => Display(t).Length).DefaultIfEmpty(0).Max(), 20);
        foreach (var target in listed)
        {
            var line = "  " + Display(target).PadRight(targetWidth);
            if (target.ExecutionDependencies.Count > 0)
                line += " -> " + string.Join(", ", target.ExecutionDependencies.Select(d => d.Name));
            text.AppendLine(line.TrimEnd());
            if (target.Description is { Length: > 0 } description)
            {
                foreach (var wrapped in Wrap(description, DescriptionWidth + 16))
                    text.Append("    ").AppendLine(wrapped);
            }
        }

        var custom = parameters.Where(p => !p.BuiltIn && p.Listed).ToList();
        var builtIn = parameters.Where(p => p.BuiltIn && p.Listed).ToList();
        var width = Math.Max(parameters.Where(p => p.Listed).Select(p => p.Switch.Length).DefaultIfEmpty(0).Max(), 18);
        var defaults = defaultTargets.Count > 0 ? string.Join(", ", defaultTargets) : "<none>";
        text.AppendLine().AppendLine("Parameters:").AppendLine();
        string? group = null;
        foreach (var parameter in custom)
        {
            // An option record's parameters under its concern's title: --help reads like the README's table.
            if (parameter.Group is { } title && title != group)
            {
                if (group is not null || custom[0] != parameter)
                    text.AppendLine();
                text.Append("  ").AppendLine(title + ":");
                group = title;
            }
            AppendParameter(text, parameter, width, defaults);
        }
        if (custom.Count > 0)
            text.AppendLine();
        foreach (var parameter in builtIn)
            AppendParameter(text, parameter, width, defaults);
        text.AppendLine()
            .AppendLine("Parameters are read from the command line, then the environment (NAME, NUKE_NAME; case and")
            .Append("underscores ignored), then .nuke/parameters.json (\"Name\": value).");
        return text.ToString();
    }

    static void AppendParameter(StringBuilder text, ParameterDescriptor parameter, int width, string defaults)
    {
        var description = (parameter.Description ?? "<no description>").Replace("{default_target}", defaults, StringComparison.Ordinal).Trim();
        if (!description.EndsWith('.') && description != "<no description>")
            description += ".";
        var lines = Wrap(description, DescriptionWidth).ToList();
        text.Append("  ").Append(parameter.Switch.PadRight(width)).Append("  ").AppendLine(lines[0]);
        foreach (var line in lines.Skip(1))
            text.Append(' ', width + 4).AppendLine(line);
    }

    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }
}

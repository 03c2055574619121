using System.Linq.Expressions;
using System.Reflection;
using Serilog;

namespace KanikoBuild.Engine;

/// <summary>
/// Base class of a build: targets are <see cref="Target"/> properties, parameters are members with
/// <see cref="ParameterAttribute"/>. PROVISIONAL: a minimal executor so that <c>build/</c> compiles and runs;
/// the foundation issue replaces it with the full engine behind the same surface.
/// </summary>
public abstract class NukeBuild
{
    public AbsolutePath RootDirectory { get; internal set; } = AbsolutePath.Create(Directory.GetCurrentDirectory());
    public AbsolutePath TemporaryDirectory => RootDirectory / ".nuke" / "temp";
    public CancellationToken CancellationToken { get; internal set; }
    public bool IsServerBuild => Environment.GetEnvironmentVariable("CI") is { Length: > 0 };
    public bool IsLocalBuild => !IsServerBuild;

    public static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new()
    {
        Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
        var build = new T();
        var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
        var targets = typeof(T).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(Target))
            .ToDictionary(p => p.Name, p => (Target)p.GetValue(build)!, StringComparer.OrdinalIgnoreCase);
        var requested = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        if (requested.Count == 0)
            requested = defaultTargets.Select(e => ((MemberExpression)e.Body).Member.Name).ToList();
        try
        {
            foreach (var name in requested)
            {
                var definition = new TargetDefinition();
                targets[name](definition);
                foreach (var action in definition.Actions)
                    action(build.CancellationToken).GetAwaiter().GetResult();
            }
            return 0;
        }
        catch (Exception e)
        {
            Log.Error(e, "Build failed");
            return 1;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }
}

using System.Xml.Linq;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests;

/// <summary>
/// The pipeline is tested here and only here (issue 14): every other test project, the shared test peers and the
/// local peers the Sandbox runs reach no <c>KanikoBuild.Pipeline</c>, not even through a project they reference.
/// A test that needs a pipeline type belongs in this project.
/// </summary>
public sealed class ProjectBoundaryTests
{
    const string Pipeline = "KanikoBuild.Pipeline.csproj";

    public static TheoryData<string> ProjectsWithoutThePipeline()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.GetFiles(RepositoryRoot.Combine("tests"), "*.csproj", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Where(p => Path.GetFileName(p) != "KanikoBuild.Pipeline.Tests.csproj")
                     .Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepositoryRoot.Path, project));
        data.Add(Path.Combine("src", "KanikoBuild.LocalPeers", "KanikoBuild.LocalPeers.csproj"));
        return data;
    }

    [Theory]
    [MemberData(nameof(ProjectsWithoutThePipeline))]
    public void Reaches_no_pipeline_through_its_project_references(string project)
    {
        var reached = Closure(RepositoryRoot.Combine(project));
        Assert.DoesNotContain(reached, p => Path.GetFileName(p) == Pipeline);
    }

    [Fact]
    public void The_shared_test_peers_reach_the_local_peers()
    {
        var reached = Closure(RepositoryRoot.Combine("tests", "KanikoBuild.Testing", "KanikoBuild.Testing.csproj"));
        Assert.Contains(reached, p => Path.GetFileName(p) == "KanikoBuild.LocalPeers.csproj");
    }

    /// <summary>The project and every project it references, directly or through others.</summary>
    static HashSet<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
                continue;
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, include)));
            }
        }
        return seen;
    }
}

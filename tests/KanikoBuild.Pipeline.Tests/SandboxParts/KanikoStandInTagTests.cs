using KanikoBuild.LocalPeers;

namespace KanikoBuild.Pipeline.Tests.SandboxParts;

/// <summary>
/// The kaniko stand-in image's tag names its whole recipe, so an engine that has an image made by an older recipe
/// imports the new one instead of reusing the old (which only a change of the Go sources did before).
/// </summary>
public sealed class KanikoStandInTagTests
{
    const string Sources = "0123456789abcdef";
    const string Busybox = "aa00";

    static string Tag(string sources = Sources, string busybox = Busybox, IReadOnlyList<(string, UnixFileMode)>? directories = null, IReadOnlyList<string>? changes = null) =>
        StandIns.ImageTag(sources, busybox, directories ?? StandIns.KanikoImageDirectories, changes ?? StandIns.KanikoImageChanges);

    [Fact]
    public void The_same_recipe_gives_the_same_tag()
    {
        Assert.Equal(Tag(), Tag());
        Assert.Matches("^[0-9a-f]{16}$", Tag());
    }

    [Fact]
    public void An_edited_env_line_changes_the_tag()
    {
        var edited = StandIns.KanikoImageChanges.Select(c => c.StartsWith("ENV PATH=", StringComparison.Ordinal) ? c + ":/extra" : c).ToList();
        Assert.NotEqual(Tag(), Tag(changes: edited));
    }

    [Fact]
    public void An_added_folder_or_another_mode_changes_the_tag()
    {
        Assert.NotEqual(Tag(), Tag(directories: [.. StandIns.KanikoImageDirectories, ("etc/", (UnixFileMode)0b111_101_101)]));
        Assert.NotEqual(Tag(), Tag(directories: StandIns.KanikoImageDirectories.Select(d => (d.Path, (UnixFileMode)0b111_101_101)).ToList()));
    }

    [Fact]
    public void Other_sources_or_another_busybox_change_the_tag()
    {
        Assert.NotEqual(Tag(), Tag(sources: "fedcba9876543210"));
        Assert.NotEqual(Tag(), Tag(busybox: "bb11"));
    }
}

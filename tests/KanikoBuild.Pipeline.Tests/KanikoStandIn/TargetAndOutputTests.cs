using System.Text.Json;
using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>--target with and without --skip-unused-stages, several destinations, and the digest outputs.</summary>
[Collection(StandInCollection.Name)]
public sealed class TargetAndOutputTests(StandInFixture fixture)
{
    [Fact]
    public async Task Target_BuildsEarlierStagesUnlessSkipped_AndPushesToEveryDestination()
    {
        using var context = new TempDirectory();
        using var output = new TempDirectory();
        context.Write("Dockerfile", $"""
            FROM {fixture.BaseImage} AS unused
            RUN exit 9

            FROM {fixture.BaseImage} AS final
            RUN echo final > /final.txt

            FROM final AS later
            RUN exit 8
            """);
        string[] destinations = [$"{fixture.Registry.Host}/target-app:1", $"{fixture.Registry.Host}/target-copy:stable"];

        var allStages = await fixture.RunAsync(context.Path, ["--target=final", "--no-push"]);
        var skipped = await fixture.RunAsync(context.Path,
        [
            "--target", "final", "--skip-unused-stages", "-d", destinations[0], "--destination", destinations[1],
            "--digest-file=/kaniko/out/digest", "--image-name-tag-with-digest-file=/kaniko/out/tags", "--oci-layout-path=/kaniko/out/layout",
        ], [(output.Path, "/kaniko/out")]);

        // kaniko builds every stage up to the target unless told otherwise (kaniko.md §1.1, §7).
        Assert.True(allStages.ExitCode == 9, allStages.ToString());
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Contains("Skipping unused stage 0", skipped.Output);
        var digest = File.ReadAllText(output.Combine("digest"));
        Assert.Equal(digest, (await fixture.InspectAsync(destinations[0])).Digest);
        Assert.Equal(digest, (await fixture.InspectAsync(destinations[1])).Digest);
        Assert.Equal($"{destinations[0]}@{digest}\n{destinations[1]}@{digest}\n", File.ReadAllText(output.Combine("tags")));
        using var index = JsonDocument.Parse(File.ReadAllText(output.Combine("layout", "index.json")));
        Assert.Equal(digest, index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString());
        Assert.True(File.Exists(output.Combine("layout", "blobs", "sha256", digest["sha256:".Length..])));
    }
}

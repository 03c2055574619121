using KanikoBuild.Testing;

namespace KanikoBuild.Registry.Tests.Layers;

/// <summary>The per-layer view: digests, sizes and instructions per layer, and findings attributed to layers only when the times allow it.</summary>
public class ImageLayerViewTests
{
    static readonly DateTimeOffset s_base = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    static TestLayer[] Layers(bool timed) =>
    [
        TestLayer.Packages("COPY apk-db /lib/apk/db/installed", "alpine", "3.19", ("openssl", "1.1.1k-r0")) with { Created = timed ? s_base : null },
        new TestLayer("RUN echo built > /built", [new LayerEntry.File("built", "built\n")]) { Created = timed ? s_base.AddSeconds(5) : null },
    ];

    [Fact]
    public async Task A_kaniko_image_lists_its_layers_and_says_plainly_that_the_scanner_gives_no_layer()
    {
        using var temp = new TempDirectory();
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("k.tar"), Layers(timed: false), ["app:1"], emptySteps: ["ENV A=1"]);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var view = ImageLayerView.From(archive);

        Assert.Equal(written.ImageId, view.ImageId);
        Assert.True(view.InstructionsKnown);
        Assert.Equal([1, 2], view.Layers.Select(l => l.Number));
        Assert.Equal(written.LayerDigests, view.Layers.Select(l => l.Digest));
        Assert.Equal(archive.Layers.Select(l => l.Size), view.Layers.Select(l => l.Size));
        Assert.Equal(["COPY apk-db /lib/apk/db/installed", "RUN echo built > /built"], view.Layers.Select(l => l.Instruction));
        Assert.False(view.LayersHaveTimes);
        // Whatever the scanner says (kaniko's zero time, nothing, a real time), the answer is the same plain sentence.
        foreach (var layerTime in new DateTimeOffset?[] { null, DateTimeOffset.MinValue, s_base })
        {
            var attribution = Assert.IsType<LayerAttribution.NotGiven>(view.Attribute(layerTime));
            Assert.Equal(ImageLayerView.KanikoNoLayers, attribution.Reason);
        }
    }

    [Fact]
    public async Task Layers_with_distinct_times_take_a_finding_by_its_layer_time()
    {
        using var temp = new TempDirectory();
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("t.tar"), Layers(timed: true), ["app:1"]);
        using var archive = await DockerArchive.OpenAsync(written.Path);

        var view = ImageLayerView.From(archive);

        Assert.True(view.LayersHaveTimes);
        var first = Assert.IsType<LayerAttribution.InLayer>(view.Attribute(s_base));
        Assert.Equal("COPY apk-db /lib/apk/db/installed", first.Layer.Instruction);
        Assert.Equal(written.LayerDigests[0], first.Layer.Digest);
        Assert.Equal(2, Assert.IsType<LayerAttribution.InLayer>(view.Attribute(s_base.AddSeconds(5))).Layer.Number);
        Assert.Equal("The scanner gave no layer for this finding.", Assert.IsType<LayerAttribution.NotGiven>(view.Attribute(null)).Reason);
        Assert.Contains("not a layer of this image", Assert.IsType<LayerAttribution.NotGiven>(view.Attribute(s_base.AddDays(1))).Reason);
    }

    [Fact]
    public async Task A_history_that_does_not_match_the_layers_leaves_the_instructions_unknown_and_says_why()
    {
        using var temp = new TempDirectory();
        var written = ImageTarballs.WriteKanikoLayout(temp.Combine("h.tar"), Layers(timed: false), ["app:1"]);
        // Drop one history entry: two layers, one instruction.
        var config = System.Text.Json.Nodes.JsonNode.Parse(written.Config)!;
        config["history"]!.AsArray().RemoveAt(1);
        var bytes = System.Text.Encoding.UTF8.GetBytes(config.ToJsonString());
        var layerNames = written.LayerDigests.Select(d => d["sha256:".Length..] + ".tar.gz").ToList();
        using (var good = await DockerArchive.OpenAsync(written.Path))
        {
            var files = new List<(string, byte[])> { ("config.json", bytes) };
            foreach (var (layer, name) in good.Layers.Zip(layerNames))
            {
                await using var stream = good.OpenLayer(layer);
                var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                files.Add((name, buffer.ToArray()));
            }
            files.Add(("manifest.json", ImageTarballs.Manifest("config.json", [], layerNames)));
            ImageTarballs.WriteArchive(temp.Combine("short.tar"), files);
        }
        using var archive = await DockerArchive.OpenAsync(temp.Combine("short.tar"));

        var view = ImageLayerView.From(archive);

        Assert.False(view.InstructionsKnown);
        Assert.Contains("history has 1 entries that made a layer, but the image has 2 layers", view.InstructionsNote);
        Assert.All(view.Layers, l => Assert.Null(l.Instruction));
        Assert.Equal(written.LayerDigests, view.Layers.Select(l => l.Digest));
    }
}

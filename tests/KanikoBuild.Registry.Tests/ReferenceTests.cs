namespace KanikoBuild.Registry.Tests;

public class ReferenceTests
{
    [Theory]
    [InlineData("registry.example.com/dev", "registry.example.com", "dev")]
    [InlineData("registry.example.com:5000", "registry.example.com:5000", null)]
    [InlineData("https://Registry.Example.com/team/prod/", "registry.example.com", "team/prod")]
    [InlineData("127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b")]
    [InlineData("[::1]:5000/x", "[::1]:5000", "x")]
    public void Registry_spec_is_host_port_and_prefix(string text, string host, string? prefix)
    {
        var spec = RegistrySpec.Parse(text);
        Assert.Equal(host, spec.Host);
        Assert.Equal(prefix, spec.PathPrefix);
    }

    [Theory]
    [InlineData("")]
    [InlineData("registry.example.com:99999")]
    [InlineData("registry.example.com/Dev")]
    [InlineData("registry.example.com/dev//x")]
    [InlineData("bad host/x")]
    public void Invalid_registry_spec_is_one_clear_error(string text)
    {
        var error = Assert.Throws<PipelineException>(() => RegistrySpec.Parse(text, "--prod-registry"));
        Assert.Contains("--prod-registry", error.Message);
    }

    [Fact]
    public void Repository_goes_under_the_prefix_and_is_validated()
    {
        Assert.Equal("dev/team/app", RegistrySpec.Parse("r.example.com/dev").Repository("team/app"));
        Assert.Equal("team/app", RegistrySpec.Parse("r.example.com").Repository("/team/app/"));
        Assert.Equal("library/busybox", RegistrySpec.Parse("docker.io").Repository("busybox"));
        Assert.Throws<PipelineException>(() => RegistrySpec.Parse("r.example.com/dev").Repository("Team/App"));
        Assert.Throws<PipelineException>(() => RegistrySpec.Parse("r.example.com/dev").Repository("a..b"));
    }

    [Fact]
    public void Loopback_hosts_are_recognised()
    {
        Assert.True(RegistrySpec.Parse("127.0.0.1:5000").IsLoopback);
        Assert.True(RegistrySpec.Parse("localhost:5000/x").IsLoopback);
        Assert.True(RegistrySpec.Parse("[::1]:5000").IsLoopback);
        Assert.False(RegistrySpec.Parse("registry.example.com").IsLoopback);
        Assert.False(RegistrySpec.Parse("10.0.0.1:5000").IsLoopback);
    }

    [Theory]
    [InlineData("registry.example.com:5000/team/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "registry.example.com:5000", "team/app", "1.2", true)]
    [InlineData("localhost/app", "localhost", "app", null, false)]
    [InlineData("busybox", "docker.io", "library/busybox", null, false)]
    [InlineData("team/app:latest", "docker.io", "team/app", "latest", false)]
    public void Image_reference_follows_dockers_grammar(string text, string registry, string repository, string? tag, bool hasDigest)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(hasDigest, reference.Digest is not null);
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("r.example.com/App")]
    [InlineData("r.example.com/app:-bad")]
    [InlineData("r.example.com/app@sha256:short")]
    [InlineData("")]
    public void Bad_image_reference_is_one_clear_error(string text) =>
        Assert.Throws<PipelineException>(() => ImageReference.Parse(text));

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("latest")]
    [InlineData("")]
    public void A_digest_is_sha256_and_64_lowercase_hex_digits_and_nothing_else(string text)
    {
        Assert.False(Digest.TryParse(text, out var none));
        Assert.Equal(default, none);
        Assert.Contains("is not a digest", Assert.Throws<FormatException>(() => Digest.Parse(text, provider: null)).Message);
        Assert.Contains("--image-digest", Assert.Throws<PipelineException>(() => Digest.Parse(text, "--image-digest")).Message);
    }

    [Fact]
    public void A_digest_is_a_value_compared_by_its_text_and_used_where_text_is()
    {
        var text = "sha256:" + new string('c', 64);
        var digest = Digest.Parse(text, provider: null);
        Assert.Equal(Digest.Parse(text), digest);
        Assert.Equal(text, digest.ToString());
        string asText = digest;
        Assert.Equal(text, asText);
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Digest.Of("hello"u8).Value);
        Assert.Equal(Digest.Sha256("hello"u8), Digest.Of("hello"u8).Value);
        Assert.Equal(string.Empty, default(Digest).Value);
        Assert.Equal(digest, ImageReference.Parse($"r.example.com/app@{text}").Digest);
    }

    [Fact]
    public void Digests_and_tags_are_validated()
    {
        Assert.True(Digest.IsValid("sha256:" + new string('a', 64)));
        Assert.False(Digest.IsValid("sha256:" + new string('A', 64)));
        Assert.False(Digest.IsValid("md5:abc"));
        Assert.Equal("sha256:" + new string('b', 64), Digest.Parse(" sha256:" + new string('b', 64) + "\n").Value);
        Assert.True(RepositoryName.IsValidTag("v1.2.3_rc-1"));
        Assert.False(RepositoryName.IsValidTag(".hidden"));
        Assert.False(RepositoryName.IsValidTag(new string('a', 129)));
    }
}

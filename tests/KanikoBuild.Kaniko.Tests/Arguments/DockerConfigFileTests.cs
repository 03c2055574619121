using System.Text;
using System.Text.Json;
using KanikoBuild.Registry;
using KanikoBuild.Testing;

namespace KanikoBuild.Kaniko.Tests.Arguments;

public sealed class DockerConfigFileTests
{
    [Fact]
    public void Writes_one_auth_per_registry_with_docker_hub_under_its_v1_key()
    {
        var json = JsonDocument.Parse(DockerConfigFile.Create(new Dictionary<string, RegistryCredential>
        {
            ["127.0.0.1:5000"] = new("ci", "first-password"),
            ["docker.io"] = new("hub", "hub-password"),
            ["https://registry.example.com/"] = new("svc", "third-password"),
        }));
        var auths = json.RootElement.GetProperty("auths");
        Assert.Equal("ci:first-password", Decode(auths.GetProperty("127.0.0.1:5000")));
        Assert.Equal("hub:hub-password", Decode(auths.GetProperty("https://index.docker.io/v1/")));
        Assert.Equal("svc:third-password", Decode(auths.GetProperty("registry.example.com")));
    }

    [Fact]
    public void Registers_passwords_and_auth_values_for_masking()
    {
        DockerConfigFile.Create(new Dictionary<string, RegistryCredential> { ["r.example.com"] = new("user", "register-me-please") });
        Assert.Equal("x [REDACTED] y", Secrets.Mask("x register-me-please y"));
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("user:register-me-please"));
        Assert.Equal("[REDACTED]", Secrets.Mask(auth));
    }

    [Fact]
    public void The_file_is_private()
    {
        using var folder = new TempDirectory();
        var path = DockerConfigFile.Write(folder.Path, new Dictionary<string, RegistryCredential> { ["r.example.com"] = new("u", "private-file-password") });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_credential_never_prints_its_password() =>
        Assert.DoesNotContain("hidden-in-tostring", new RegistryCredential("u", "hidden-in-tostring").ToString(), StringComparison.Ordinal);

    [Theory]
    [InlineData("ghcr.io/osscontainertools/kaniko:debug", "ghcr.io")]
    [InlineData("127.0.0.1:5000/kaniko:debug", "127.0.0.1:5000")]
    [InlineData("localhost/kaniko", "localhost")]
    [InlineData("martizih/kaniko:debug", "docker.io")]
    [InlineData("busybox", "docker.io")]
    public void The_registry_of_an_image(string image, string registry) => Assert.Equal(registry, DockerConfigFile.ImageRegistry(image));

    static string Decode(JsonElement entry) => Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("auth").GetString()!));
}

using KanikoBuild.Testing;

namespace KanikoBuild.Dockerfiles.Tests.StandIn;

/// <summary>A directory shaped like an image's filesystem as scanners read it (CONTRACTS.md §1).</summary>
public sealed class ScanRoot : IDisposable
{
    readonly TempDirectory _directory = new("kanikobuild-scanroot-");

    public ScanRoot(string distro = "alpine", string release = "3.19", params (string Name, string Version)[] packages)
    {
        _directory.Write("etc/os-release", $"NAME=\"Alpine Linux\"\nID={distro}\nVERSION_ID=\"{release}\"\n");
        _directory.Write("lib/apk/db/installed", string.Concat(packages.Select(p => $"C:Q1abc=\nP:{p.Name}\nV:{p.Version}\nA:x86_64\n\n")));
        Directory.CreateDirectory(_directory.Combine("out"));
    }

    public string Path => _directory.Path;

    public string Output(string name) => _directory.Combine("out", name);

    public void Dispose() => _directory.Dispose();
}

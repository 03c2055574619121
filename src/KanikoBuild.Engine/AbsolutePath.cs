namespace KanikoBuild.Engine;

/// <summary>A normalised absolute path; <c>root / "a" / "b"</c> joins segments, as in Nuke.</summary>
public sealed record AbsolutePath
{
    AbsolutePath(string value) => Value = value;

    public string Value { get; }

    public static AbsolutePath Create(string path) => new(Path.GetFullPath(path));

    public static AbsolutePath operator /(AbsolutePath left, string right) => new(Path.GetFullPath(Path.Combine(left.Value, right)));

    public static implicit operator string(AbsolutePath path) => path.Value;

    public AbsolutePath Parent => new(Path.GetDirectoryName(Value) ?? Value);

    public string Name => Path.GetFileName(Value);

    public override string ToString() => Value;
}

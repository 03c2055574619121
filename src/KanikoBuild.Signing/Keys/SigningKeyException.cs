namespace KanikoBuild.Signing;

/// <summary>A key file that cannot be used: the message names the file and what it holds, never its content.</summary>
public sealed class SigningKeyException : PipelineException
{
    public SigningKeyException(string message) : base(message) { }
    public SigningKeyException(string message, Exception inner) : base(message, inner) { }
}

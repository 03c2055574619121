namespace KanikoBuild.Signing;

/// <summary>A key file that cannot be used: the message names the file and what it holds, never its content.</summary>
public sealed class SigningKeyException(string message, Exception? inner = null) : PipelineException(message, inner ?? new InvalidOperationException(message));

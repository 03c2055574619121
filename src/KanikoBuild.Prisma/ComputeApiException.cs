namespace KanikoBuild.Prisma;

/// <summary>
/// The Console could not give an answer. <see cref="IsTransient"/> says whether waiting may help (outage,
/// overload, a cut connection) or not (credentials, permissions, a bad request, a Console never reached), so a
/// waiter can ride out the first kind until its own deadline and stop at once on the second. <see cref="Problem"/>
/// says which it was.
/// </summary>
public sealed class ComputeApiException : PipelineException
{
    public ComputeApiException(string message, int? statusCode, bool isTransient, Exception? inner = null)
        : this(message, statusCode, isTransient, ConsoleProblem.Other, inner)
    {
    }

    public ComputeApiException(string message, int? statusCode, bool isTransient, ConsoleProblem problem, Exception? inner = null)
        : base(message, inner!)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
        Problem = problem;
    }

    public int? StatusCode { get; }

    public bool IsTransient { get; }

    public ConsoleProblem Problem { get; }
}

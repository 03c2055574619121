namespace KanikoBuild.Prisma.Http;

/// <summary>A 2xx answer whose body is not JSON (a proxy's error page, a cut connection): worth another try.</summary>
public sealed class MalformedResponseException(string message, Exception? inner = null) : Exception(message, inner);

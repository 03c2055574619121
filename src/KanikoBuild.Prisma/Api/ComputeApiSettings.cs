using System.Text.Json;
using System.Text.Json.Serialization;
using KanikoBuild.Prisma.Http;
using Refit;

namespace KanikoBuild.Prisma.Api;

/// <summary>Refit's settings for a Console: its awkward JSON, and its failures as <see cref="ComputeApiException"/>s.</summary>
internal static class ComputeApiSettings
{
    /// <summary>
    /// Versions differ in casing, write numbers as strings, add fields, leave trailing commas: none of that fails a
    /// read. The registry entry and progress models go through Scanning's lenient reader (their converters).
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static RefitSettings Create(ConsoleEndpoint endpoint, ComputeClientOptions options, ConsoleReachability reachability)
    {
        var answers = new ConsoleAnswers(endpoint, options.Username, Json);
        var transport = new ConsoleTransportFailures(endpoint, reachability);
        return new RefitSettings(new SystemTextJsonContentSerializer(Json))
        {
            ExceptionFactory = answers.ThrowIfFailedAsync,
            DeserializationExceptionFactory = answers.ThrowMalformed,
            TransportExceptionFactory = transport.Surface,
        };
    }
}

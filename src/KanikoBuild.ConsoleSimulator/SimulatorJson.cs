using System.Text.Json;
using System.Text.Json.Serialization;

namespace KanikoBuild.ConsoleSimulator;

public static class SimulatorJson
{
    /// <summary>Scenario files: camelCase, enums as strings, comments and trailing commas allowed.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static SimulatorOptions LoadScenario(string path) =>
        JsonSerializer.Deserialize<SimulatorOptions>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"scenario {path} is empty");
}

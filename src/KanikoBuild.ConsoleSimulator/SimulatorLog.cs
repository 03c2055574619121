namespace KanikoBuild.ConsoleSimulator;

/// <summary>Every line the simulator prints says it is the simulator, so nobody mistakes it for a Console.</summary>
internal sealed class SimulatorLog(Action<string>? sink)
{
    public const string Label = "[Console SIMULATOR]";

    readonly Action<string> _sink = sink ?? (line => Console.Out.WriteLine(line));

    public void Write(string message) => _sink($"{Label} {message}");
}

using System.Xml;

namespace KanikoBuild.Engine.Tools;

/// <summary>
/// Totals over the TRX files <c>dotnet test --logger trx</c> writes (one per test project), for the one
/// line CI tooling reads: <c>N passed, N failed, N skipped</c>.
/// </summary>
public sealed record TestResultTotals(int Passed, int Failed, int Skipped, int Files)
{
    const string TrxNamespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    /// <summary>Sums every <c>*.trx</c> in <paramref name="directory"/> (not recursive). Counts each test result by its outcome.</summary>
    public static TestResultTotals Read(string directory)
    {
        int passed = 0, failed = 0, skipped = 0, files = 0;
        if (!Directory.Exists(directory))
            return new TestResultTotals(0, 0, 0, 0);
        foreach (var file in Directory.EnumerateFiles(directory, "*.trx"))
        {
            var document = new XmlDocument { XmlResolver = null };
            try
            {
                document.Load(file);
            }
            catch (XmlException e)
            {
                throw new PipelineException($"Test results '{file}' are not valid TRX: {e.Message}");
            }
            files++;
            var names = new XmlNamespaceManager(document.NameTable);
            names.AddNamespace("t", TrxNamespace);
            foreach (XmlElement result in document.SelectNodes("//t:Results/t:UnitTestResult", names)!)
            {
                switch (result.GetAttribute("outcome"))
                {
                    case "Passed":
                        passed++;
                        break;
                    case "NotExecuted" or "Inconclusive" or "Pending":
                        skipped++;
                        break;
                    default:
                        // Failed, Error, Timeout, Aborted: whatever did not pass counts against the run.
                        failed++;
                        break;
                }
            }
        }
        return new TestResultTotals(passed, failed, skipped, files);
    }

    /// <summary>Empties the results directory, so totals count this run only.</summary>
    public static void Clear(string directory)
    {
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.trx"))
                File.Delete(file);
        }
        Directory.CreateDirectory(directory);
    }
}

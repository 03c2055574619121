using KanikoBuild.Engine.Tools;
using KanikoBuild.Testing;

namespace KanikoBuild.Engine.Tests;

public sealed class TestResultTotalsTests
{
    static string Trx(params string[] outcomes) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            {string.Join("\n", outcomes.Select((o, i) => $"<UnitTestResult testName=\"T{i}\" outcome=\"{o}\" />"))}
          </Results>
          <ResultSummary outcome="Completed"><Counters total="{outcomes.Length}" /></ResultSummary>
        </TestRun>
        """;

    [Fact]
    public void Sums_outcomes_over_every_file()
    {
        using var directory = new TempDirectory();
        directory.Write("a.trx", Trx("Passed", "Passed", "Failed", "NotExecuted"));
        directory.Write("b.trx", Trx("Passed", "Error", "Timeout"));
        directory.Write("ignored.txt", "Passed");
        var totals = TestResultTotals.Read(directory.Path);
        Assert.Equal(new TestResultTotals(3, 3, 1, 2), totals);
        Assert.Equal("3 passed, 3 failed, 1 skipped", totals.ToString());
    }

    [Fact]
    public void A_project_without_tests_adds_nothing()
    {
        using var directory = new TempDirectory();
        directory.Write("empty.trx", Trx());
        Assert.Equal("0 passed, 0 failed, 0 skipped", TestResultTotals.Read(directory.Path).ToString());
    }

    [Fact]
    public void Clear_removes_earlier_results_and_a_broken_file_is_a_clear_error()
    {
        using var directory = new TempDirectory();
        directory.Write("old.trx", Trx("Failed"));
        TestResultTotals.Clear(directory.Path);
        Assert.Equal(0, TestResultTotals.Read(directory.Path).Files);
        directory.Write("broken.trx", "<TestRun");
        var e = Assert.Throws<PipelineException>(() => TestResultTotals.Read(directory.Path));
        Assert.Contains("broken.trx", e.Message);
    }
}

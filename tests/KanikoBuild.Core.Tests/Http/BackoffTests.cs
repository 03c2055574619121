using KanikoBuild.Http;

namespace KanikoBuild.Core.Tests.Http;

public sealed class BackoffTests
{
    static readonly TimeSpan s_base = TimeSpan.FromSeconds(1);
    static readonly TimeSpan s_max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    public void The_delay_doubles_with_each_attempt(int attempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Exponential(attempt, s_base, s_max, sample: 0.5));

    [Fact]
    public void Jitter_spreads_the_delay_by_a_quarter_either_way()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Backoff.Exponential(2, s_base, s_max, sample: 0));
        Assert.Equal(TimeSpan.FromSeconds(5), Backoff.Exponential(2, s_base, s_max, sample: 1));
    }

    [Fact]
    public void The_delay_never_passes_the_cap_even_after_many_attempts()
    {
        Assert.Equal(s_max, Backoff.Exponential(5, s_base, s_max, sample: 0.5));
        Assert.Equal(s_max, Backoff.Exponential(10_000, s_base, s_max, sample: 1));
    }
}

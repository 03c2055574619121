namespace KanikoBuild.Prisma.Waiting;

/// <summary>
/// How long to wait before the next look at the Console: fast while a small image's scan may land any moment,
/// then slower, so a long scan costs few requests. The request budget still caps whatever this asks for.
/// </summary>
public sealed record PollSchedule(IReadOnlyList<(TimeSpan Until, TimeSpan Interval)> Steps, TimeSpan Final)
{
    /// <summary>2 s for the first 20 s, 5 s to the first minute, 10 s to three minutes, then 15 s.</summary>
    public static PollSchedule Default { get; } = new(
        [(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2)), (TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5)), (TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(10))],
        TimeSpan.FromSeconds(15));

    public TimeSpan IntervalAfter(TimeSpan elapsed)
    {
        foreach (var (until, interval) in Steps)
        {
            if (elapsed < until)
                return interval;
        }
        return Final;
    }
}

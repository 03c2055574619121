using KanikoBuild.Testing;

namespace KanikoBuild.Pipeline.Tests.KanikoStandIn;

/// <summary>
/// Which user a RUN runs as, and when that lookup fails, as kaniko v1.24 and the osscontainertools fork do it
/// (kaniko.md §8, standins/kaniko/README.md "Users and RUN credentials"): a RUN after a USER looks the user up in
/// the stage's /etc/passwd, uid 0 always comes back with gid 0, and then the stage's /etc/group must exist.
/// The images here are FROM scratch with a static busybox as /opt/busybox, so nothing but the Dockerfile provides /etc.
/// </summary>
[Collection(StandInCollection.Name)]
public sealed class RunCredentialsTests(StandInFixture fixture)
{
    const string NoGroupFile = "error building image: error building stage: failed to execute command: credentials: group ids for user: open: open /etc/group: no such file or directory";

    const string Passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
    const string Group = "root:x:0:\nnonroot:x:65532:\nextra:x:4000:nonroot\n";

    /// <summary>Builds a scratch image whose stage ends with <paramref name="tail"/>; /etc comes only from the files given.</summary>
    async Task<StandInRun> BuildScratchAsync(string tail, string? passwd = null, string? group = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var context = new TempDirectory();
        File.Copy("/bin/busybox", context.Combine("busybox"));
        var copies = "";
        if (passwd is not null)
        {
            context.Write("etc/passwd", passwd);
            copies += "COPY etc/passwd /etc/passwd\n";
        }
        if (group is not null)
        {
            context.Write("etc/group", group);
            copies += "COPY etc/group /etc/group\n";
        }
        context.Write("Dockerfile", $"FROM scratch\nCOPY busybox /opt/busybox\n{copies}{tail}\n");
        return await fixture.RunAsync(context.Path, ["--no-push"], environment: environment);
    }

    [Theory]
    [InlineData("USER 0:0")]
    [InlineData("USER 0")]
    [InlineData("USER root")]
    public async Task Root_by_any_name_fails_before_the_command_runs_when_the_stage_has_no_group_file(string user)
    {
        var run = await BuildScratchAsync($"{user}\nRUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo ran-$((6*7))\"]");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(NoGroupFile, run.Output);
        Assert.Contains("Util.Lookup returned: &{Uid:0 Gid:0 Username:root Name: HomeDir:/root}", run.Output);
        Assert.DoesNotContain("ran-42", run.Output);
    }

    [Fact]
    public async Task A_user_with_a_passwd_entry_but_no_group_file_fails_the_same_way()
    {
        var run = await BuildScratchAsync("USER nonroot\nRUN [\"/opt/busybox\", \"true\"]", passwd: Passwd);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(NoGroupFile, run.Output);
    }

    [Fact]
    public async Task A_uid_nobody_claims_has_no_gid_so_no_group_file_is_read_and_it_runs_as_uid_uid()
    {
        var run = await BuildScratchAsync("USER 65532\nRUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo ids=$(/opt/busybox id -u):$(/opt/busybox id -g) home=$HOME\"]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Util.Lookup returned: &{Uid:65532 Gid: Username: Name: HomeDir:/}", run.Output);
        Assert.Contains("ids=65532:65532 home=/", run.Output);
    }

    [Fact]
    public async Task Without_any_user_a_run_looks_nothing_up_and_runs_as_the_executors_root()
    {
        var run = await BuildScratchAsync("RUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo ids=$(/opt/busybox id -u):$(/opt/busybox id -g) home=$HOME\"]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Util.Lookup returned", run.Output);
        Assert.Contains("ids=0:0 home=/root", run.Output);
    }

    [Theory]
    [InlineData("USER \"\"")]
    [InlineData("USER ${KANIKOBUILD_NOT_SET}")]
    public async Task A_user_that_expands_to_nothing_resets_the_user_so_the_run_looks_nothing_up(string reset)
    {
        var run = await BuildScratchAsync($"USER 65532:65532\n{reset}\nRUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo ids=$(/opt/busybox id -u):$(/opt/busybox id -g)\"]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Util.Lookup returned", run.Output);
        Assert.Contains("ids=0:0", run.Output);
    }

    [Theory]
    // kaniko's run.go hands only the user part to SyscallCredentials: the primary gid from passwd, whatever group USER names.
    [InlineData("USER 65532", "65532:65532 groups=65532 4000 home=/home/nonroot")]
    [InlineData("USER nonroot", "65532:65532 groups=65532 4000 home=/home/nonroot")]
    [InlineData("USER nonroot:extra", "65532:65532 groups=65532 4000 home=/home/nonroot")]
    [InlineData("USER root", "0:0 groups=0 home=/root")]
    public async Task A_distroless_shaped_image_runs_as_the_passwd_user_with_its_groups(string user, string expected)
    {
        var run = await BuildScratchAsync($"{user}\nRUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo ids=$(/opt/busybox id -u):$(/opt/busybox id -g) groups=$(/opt/busybox id -G) home=$HOME\"]",
            passwd: Passwd, group: Group);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"ids={expected}", run.Output);
    }

    [Fact]
    public async Task An_unknown_user_name_fails_with_kanikos_message()
    {
        var run = await BuildScratchAsync("USER nobody-here\nRUN [\"/opt/busybox\", \"true\"]");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed to execute command: credentials: get uid/gid: user nobody-here is not a uid and does not exist on the system", run.Output);
    }

    [Fact]
    public async Task The_executors_environment_never_reaches_a_run()
    {
        var run = await BuildScratchAsync("RUN [\"/opt/busybox\", \"sh\", \"-c\", \"echo leak=[$EXECUTOR_ONLY] path=[$PATH]\"]",
            environment: new Dictionary<string, string> { ["EXECUTOR_ONLY"] = "from-docker-run" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("leak=[] path=[/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin]", run.Output);
    }
}

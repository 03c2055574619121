namespace KanikoBuild.Registry.Tests;

public class AuthChallengeTests
{
    [Fact]
    public void Bearer_challenge_keeps_commas_inside_quotes()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"");
        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:samalba/my-app:pull,push", challenge.Scope);
    }

    [Fact]
    public void Basic_challenge_and_unquoted_values()
    {
        var challenge = AuthChallenge.Parse("Basic realm=registry, charset=\"UTF-8\"");
        Assert.True(challenge.IsBasic);
        Assert.Equal("registry", challenge.Realm);
        Assert.Equal("UTF-8", challenge.Parameters["charset"]);
    }
}

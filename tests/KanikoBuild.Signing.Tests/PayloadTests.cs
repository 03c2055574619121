using System.Text;
using System.Text.Json;

namespace KanikoBuild.Signing.Tests;

/// <summary>The payload as cosign writes it, and the strict rules containers/image applies when reading one (signing.md §2).</summary>
public class PayloadTests
{
    const string Digest = "sha256:7c2fde78747424f8958bb8d5c0d3610240ae70f8b8bd2a27065c98b2bd6e9184";
    static readonly DateTimeOffset s_now = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_payload_has_exactly_the_critical_members_and_the_verdict_as_string_annotations_in_sorted_order()
    {
        var bytes = SimpleSigningPayload.Create("127.0.0.1:5000/team/app", Digest, VerdictAnnotations.From(Verdicts.Passing(high: 2)), "KanikoBuild", s_now);

        Assert.Equal(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/team/app\"},\"image\":{\"docker-manifest-digest\":\"" + Digest + "\"},\"type\":\"cosign container image signature\"},"
            + "\"optional\":{\"creator\":\"KanikoBuild\",\"dev.kanikobuild.verdict/console\":\"https://console.example.com/#!/monitor/vulnerabilities/images/ci?search=sha256\","
            + "\"dev.kanikobuild.verdict/count.critical\":\"0\",\"dev.kanikobuild.verdict/count.high\":\"2\",\"dev.kanikobuild.verdict/count.low\":\"7\",\"dev.kanikobuild.verdict/count.medium\":\"3\",\"dev.kanikobuild.verdict/count.unknown\":\"1\","
            + "\"dev.kanikobuild.verdict/passed\":\"true\",\"dev.kanikobuild.verdict/policy-digest\":\"" + Verdicts.PolicyDigest + "\","
            + "\"dev.kanikobuild.verdict/scan-time\":\"2026-12-01T10:00:00Z\",\"dev.kanikobuild.verdict/scanner\":\"twistcli\",\"dev.kanikobuild.verdict/scanner-version\":\"32.07.123\","
            + "\"timestamp\":1796155200}}",
            Encoding.UTF8.GetString(bytes));
        var parsed = SimpleSigningPayload.Parse(bytes);
        Assert.Equal(Verdicts.Passing(high: 2), parsed.Verdict);
        Assert.Equal(("KanikoBuild", s_now.ToUnixTimeSeconds()), (parsed.Creator, parsed.Timestamp));
    }

    [Fact]
    public void Without_annotations_optional_is_still_present()
    {
        var text = Encoding.UTF8.GetString(SimpleSigningPayload.Create("r/a", Digest, []));
        Assert.EndsWith(",\"optional\":{}}", text, StringComparison.Ordinal);
        Assert.Null(SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes(text)).Verdict);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature","extra":1},"optional":null}""", "Unknown key \"extra\"" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"}}""", "Key \"optional\" missing in a JSON object" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"scan.verdict":"pass","scan.verdict":"fail"}}""", "Duplicate key \"scan.verdict\"" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"timestamp":1764619200.5}}""", "Field optional.timestamp is not an integer" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"timestamp":"1764619200"}}""", "Field optional.timestamp is not an integer" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"creator":42}}""", "Field optional.creator is not a string" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"atomic container signature"},"optional":null}""", "Unrecognized signature type atomic container signature" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":null,"x":1}""", "Unknown key \"x\"" },
        { """{"critical":{"identity":{"docker-reference":"r/a","tag":"1"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":null}""", "Unknown key \"tag\"" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"latest"},"type":"cosign container image signature"},"optional":null}""", "Field critical.image.docker-manifest-digest \"latest\" is not a digest" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"dev.kanikobuild.verdict/passed":true}}""", "Field optional.dev.kanikobuild.verdict/passed is not a string" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":{"dev.kanikobuild.verdict/passed":"yes"}}""", "neither \"true\" nor \"false\"" },
        { """{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":[]}""", "Field optional is neither null nor a JSON object" },
        { """{"critical":""", "invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_payload_breaking_a_verifier_rule_is_refused_with_the_verifiers_words(string payload, string expected)
    {
        var error = Assert.Throws<StrictJsonException>(() => SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes(payload.Replace("\"D\"", $"\"{Digest}\"", StringComparison.Ordinal))));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_order_whitespace_and_a_trailing_newline_do_not_matter_and_a_whole_float_timestamp_is_an_integer()
    {
        var payload = $$"""
            {
              "optional": { "timestamp": 1764619200.0, "creator": "x", "anything": [1, {"a": null}] },
              "critical": { "type": "cosign container image signature", "image": { "docker-manifest-digest": "{{Digest}}" }, "identity": { "docker-reference": "r/a" } }
            }

            """;
        var parsed = SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes(payload));
        Assert.Equal(new SignedPayload("r/a", Digest, "x", 1764619200, null), parsed);
    }

    [Fact]
    public void Reserved_and_duplicate_annotations_are_refused_when_writing()
    {
        Assert.Throws<ArgumentException>(() => SimpleSigningPayload.Create("r/a", Digest, [new("timestamp", "1")]));
        Assert.Throws<ArgumentException>(() => SimpleSigningPayload.Create("r/a", Digest, [new("k", "1"), new("k", "2")]));
        Assert.Throws<PipelineException>(() => SimpleSigningPayload.Create("r/a", "latest", []));
    }

    [Fact]
    public void The_policy_digest_is_of_the_file_bytes_or_of_canonical_json()
    {
        Assert.Equal(KanikoBuild.Registry.Digest.Sha256("a: 1\n"u8), PolicyDigests.OfFile("a: 1\n"u8));
        using var a = JsonDocument.Parse("""{ "failOn": {"high": 0, "critical": 0}, "allow": ["CVE-1", "ü"] }""");
        using var b = JsonDocument.Parse("""{"allow":["CVE-1","\u00fc"],"failOn":{"critical":0,"high":0}}""");
        Assert.Equal("""{"allow":["CVE-1","ü"],"failOn":{"critical":0,"high":0}}""", Encoding.UTF8.GetString(CanonicalJson.Serialize(a.RootElement)));
        Assert.Equal(PolicyDigests.OfEffectivePolicy(a.RootElement), PolicyDigests.OfEffectivePolicy(b.RootElement));
    }

    [Fact]
    public void Verdict_claims_reject_bad_input_at_the_door()
    {
        Assert.Throws<PipelineException>(() => new VerdictClaims(true, new ScannerInfo("t"), [], "md5:abc"));
        Assert.Throws<ArgumentException>(() => new VerdictClaims(true, new ScannerInfo("t"), [new("High", 1)], Verdicts.PolicyDigest));
        Assert.Throws<ArgumentException>(() => new VerdictClaims(true, new ScannerInfo("t"), [new("high", -1)], Verdicts.PolicyDigest));
        Assert.Throws<ArgumentException>(() => new VerdictClaims(true, new ScannerInfo("t"), [new("high", 1), new("high", 2)], Verdicts.PolicyDigest));
    }
}

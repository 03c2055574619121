using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KanikoBuild.Signing;

/// <summary>
/// A DSSE envelope (secure-systems-lab/dsse): the signature covers the pre-authentication encoding of the payload
/// type and body, never the JSON around them. Written as sigstore's DSSE signer writes it for cosign:
/// <c>{"payloadType":…,"payload":base64,"signatures":[{"keyid":"","sig":base64 DER}]}</c>.
/// </summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary><c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, lengths in bytes as ASCII decimal.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> body)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {body.Length} "));
        var pae = new byte[head.Length + type.Length + middle.Length + body.Length];
        head.CopyTo(pae, 0);
        type.CopyTo(pae, head.Length);
        middle.CopyTo(pae, head.Length + type.Length);
        body.CopyTo(pae.AsSpan(head.Length + type.Length + middle.Length));
        return pae;
    }

    /// <summary>Signs <paramref name="body"/> with <paramref name="key"/> and returns the envelope's bytes.</summary>
    public static byte[] Sign(SigningKey key, string payloadType, ReadOnlySpan<byte> body)
    {
        var signature = key.SignToBase64(Pae(payloadType, body));
        var payload = Convert.ToBase64String(body);
        return JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("payloadType", payloadType);
            writer.WriteString("payload", payload);
            writer.WriteStartArray("signatures");
            writer.WriteStartObject();
            writer.WriteString("keyid", "");
            writer.WriteString("sig", signature);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Reads an envelope: <c>payloadType</c>, <c>payload</c> and <c>signatures[].sig</c> are required; base64 standard or URL-safe.</summary>
    /// <exception cref="StrictJsonException">naming what is missing or malformed.</exception>
    public static DsseEnvelope Parse(ReadOnlyMemory<byte> bytes)
    {
        using var document = StrictJson.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new StrictJsonException("the DSSE envelope is not a JSON object");
        string Required(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) ? StrictJson.String(value, name) : throw new StrictJsonException($"the DSSE envelope has no {name}");
        var payloadType = Required(root, "payloadType");
        var payload = Base64(Required(root, "payload"), "payload");
        if (!root.TryGetProperty("signatures", out var signatures) || signatures.ValueKind != JsonValueKind.Array)
            throw new StrictJsonException("the DSSE envelope has no signatures");
        var list = new List<DsseSignature>();
        foreach (var signature in signatures.EnumerateArray())
        {
            if (signature.ValueKind != JsonValueKind.Object)
                throw new StrictJsonException("a DSSE signature is not a JSON object");
            var keyId = signature.TryGetProperty("keyid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
            list.Add(new DsseSignature(keyId, Base64(Required(signature, "sig"), "sig")));
        }
        return new DsseEnvelope(payloadType, payload, list);
    }

    static byte[] Base64(string text, string field)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            try
            {
                return Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/'));
            }
            catch (FormatException)
            {
                throw new StrictJsonException($"the DSSE {field} is not base64");
            }
        }
    }

    /// <summary>True when one of the signatures is <paramref name="key"/>'s over the PAE.</summary>
    public bool IsSignedBy(VerificationKey key)
    {
        var pae = Pae(PayloadType, Payload);
        return Signatures.Any(s => key.Verify(pae, s.Signature));
    }
}

public sealed record DsseSignature(string KeyId, byte[] Signature);

using System.IO.Compression;
using System.Text;
using Idempotency.Cli.Output;

namespace Idempotency.Cli.Tests;

/// <summary>The payload preview's decoding and redaction, on payloads built byte by byte in the stored formats.</summary>
public sealed class PreviewTests
{
    [Fact]
    public void Value_NestedSecretFields_AreMasked()
    {
        var preview = PayloadPreview.Of(Payload(1, """{"user":{"name":"ann","Password":"p"},"items":[{"apiKey":"k","n":1}],"access_token":"t"}"""));

        Assert.Equal("value", preview.Kind);
        Assert.Equal("""{"user":{"name":"ann","Password":"***"},"items":[{"apiKey":"***","n":1}],"access_token":"***"}""", preview.Text);
    }

    [Fact]
    public void TextThatIsNotJson_IsMaskedByPattern()
    {
        Assert.Equal("""{"a":1,"client_secret":"***","b":""", SecretRedactor.RedactJson("""{"a":1,"client_secret":"s3cr\"et","b":"""));
    }

    [Fact]
    public void CompressedValue_IsDecompressed()
    {
        var body = Encoding.UTF8.GetBytes("""{"token":"abc","text":"hello"}""");
        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        Assert.True(BrotliEncoder.TryCompress(body, compressed, out var written));
        byte[] payload = [1, 1, 1, .. BitConverter.GetBytes(body.Length), .. compressed.AsSpan(0, written)];

        Assert.Equal("""{"token":"***","text":"hello"}""", PayloadPreview.Of(payload).Text);
    }

    [Fact]
    public void HttpResponse_CredentialHeadersMasked_StatusBodyThenHeaders()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":7,"password":"x"}""");
        var record = new List<byte> { 1, 1 };
        record.AddRange(BitConverter.GetBytes(body.Length));
        record.AddRange(body);
        record.AddRange(BitConverter.GetBytes((ushort)201));
        record.Add(3);
        foreach (var (name, value) in new[] { ("Location", "/orders/7"), ("Set-Cookie", "sid=abc"), ("X-Session-Id", "s1") })
        {
            record.Add((byte)name.Length);
            record.AddRange(Encoding.UTF8.GetBytes(name));
            record.Add(1);
            record.Add((byte)value.Length);
            record.AddRange(Encoding.UTF8.GetBytes(value));
        }

        var preview = PayloadPreview.Of(Payload(3, [.. record]));

        Assert.Equal("http", preview.Kind);
        Assert.Equal("""201 {"id":7,"password":"***"} | Location: /orders/7; Set-Cookie: ***; X-Session-Id: ***""", preview.Text);
    }

    [Fact]
    public void ControlCharacters_AndLongText_AreMadeSafe()
    {
        var preview = PayloadPreview.Of(Payload(5, "line\u001b[2Jone\n" + new string('x', 500)));

        Assert.Equal("not-stored", preview.Kind);
        Assert.Equal(PayloadPreview.MaxLength, preview.Text.Length);
        Assert.StartsWith("line.[2Jone.xxx", preview.Text, StringComparison.Ordinal);
        Assert.EndsWith("…", preview.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 2, 1, 0 })]
    [InlineData(new byte[] { 1, 9, 0 })]
    [InlineData(new byte[] { 1, 1 })]
    public void UnknownFormat_IsUnreadable(byte[] payload) => Assert.Equal("unreadable", PayloadPreview.Of(payload).Kind);

    // A record protected at rest: the tool holds no key; it says so (and names the AES-GCM key id) instead of "unreadable".
    [Fact]
    public void AesGcmProtectedPayload_IsEncrypted_NamingTheKeyId()
    {
        var protector = new AesGcmPayloadProtector(new AesGcmPayloadProtectionOptions { ActiveKeyId = "k1", Keys = { ["k1"] = Convert.ToBase64String(new byte[32]) } });

        var preview = PayloadPreview.Of(protector.Protect(Payload(1, """{"password":"x"}"""), "idem:svc:op::k"));

        Assert.Equal("encrypted", preview.Kind);
        Assert.Equal("(encrypted with AES-GCM key 'k1'; the tool cannot read it)", preview.Text);
    }

    [Fact]
    public void DataProtectionPayload_IsEncrypted()
    {
        byte[] payload = [0x09, 0xF0, 0xC9, 0xF0, .. new byte[40]];

        Assert.Equal("encrypted", PayloadPreview.Of(payload).Kind);
    }

    // A compressed body that does not decompress to its stated length (cut short, garbage, a negative length) is
    // unreadable, not an empty "value".
    [Theory]
    [InlineData(new byte[] { 1, 1, 1, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0B, 0x02, 0x80 })]
    [InlineData(new byte[] { 1, 1, 1, 5, 0, 0, 0 })]
    public void BrokenCompressedBody_IsUnreadable(byte[] payload) => Assert.Equal("unreadable", PayloadPreview.Of(payload).Kind);

    // Terminal injection through a stored key or value: ESC (ANSI sequences), C1 CSI, BEL, backspace and bidi overrides
    // print as '.'; Spectre markup is never interpreted (cells are Text), so it needs no change.
    [Theory]
    [InlineData("a\u001b]0;title\u0007b", "a.]0;title.b")]
    [InlineData("a\u009b31mb", "a.31mb")]
    [InlineData("paid\u202Ediap\u2066", "paid.diap.")]
    [InlineData("over\bwrite\r", "over.write.")]
    [InlineData("[red]ok[/] :warning:", "[red]ok[/] :warning:")]
    public void TerminalText_ControlAndBidiCharacters_PrintAsDots(string text, string expected) => Assert.Equal(expected, TerminalText.Safe(text));

    private static byte[] Payload(byte kind, string body) => Payload(kind, Encoding.UTF8.GetBytes(body));

    private static byte[] Payload(byte kind, byte[] body) => [1, kind, 0, .. body];
}

using System.Text;
using CsCheck;
using Idempotency.JmesPath;

namespace Idempotency.PropertyTests;

/// <summary>JMESPath key and fingerprint selection over hostile payloads, with expressions that reach into them.</summary>
public sealed class JmesPathProperties
{
    private static readonly string[] Expressions =
    [
        "id", "body.orderId", "[id, body.orderId]", "@", "a.b.c[0]", "*", "[*].id", "keys(@)", "length(@)", "sort(@)",
        "to_number(id)", "max_by(@, &a)", "id || body.orderId", "from_json(body).orderId", "from_json(body)",
        "from_json(from_base64(data)).id", "from_base64(data)", "{k: id, v: body}", "[0][0][0]", "values(@)[?a > `1`]",
    ];

    private static readonly Gen<JmesPathKeySelector> Selector =
        Gen.Select(Gen.OneOf(Expressions), Gen.OneOf(Expressions)).Select(static pair => new JmesPathKeySelector(pair.Item1, pair.Item2));

    // Payloads shaped like the expressions expect, some of them, with JSON and base64 strings inside.
    private static readonly Gen<byte[]> Payload = Gen.Frequency(
        (3, JsonGen.Hostile),
        (2, Gen.Select(JsonGen.Object, JsonGen.Hostile, Gen.Int, static (model, inner, seed) =>
            Encoding.UTF8.GetBytes(new JsonObject([
                .. ((JsonObject)model).Properties.Where(static p => p.Name is not ("body" or "data")),
                ("body", new JsonText(Encoding.UTF8.GetString(inner))),
                ("data", new JsonText(Convert.ToBase64String(inner))),
            ]).Render(new Random(seed))))));

    [Fact]
    public void Select_AnyPayload_GivesAPrintableOrMissingKeyOrThrowsKeyInvalid() =>
        Gen.Select(Selector, Payload).Check(static sample =>
        {
            var (selector, payload) = sample;
            JmesPathSelection selection;
            try
            {
                selection = selector.Select(payload);
            }
            catch (IdempotencyKeyInvalidException)
            {
                return;
            }

            Assert.True(selection.Fingerprint is { Length: 43 });
            if (selection.Key is { } key && !key.StartsWith(JmesPathKeySelector.HashedKeyPrefix, StringComparison.Ordinal))
            {
                Assert.NotEmpty(key);
            }
        });

    // Expressions whose result follows the order of an object's members (*, keys(), values()) are left out: JMESPath
    // leaves that order to the document, so they select differently from one spelling to another (docs/jmespath.md).
    private static readonly Gen<JmesPathKeySelector> OrderFreeSelector =
        Gen.Select(Gen.OneOf(Expressions.Where(static e => !e.Contains('*') && !e.Contains("keys(") && !e.Contains("values(")).ToArray()), Gen.OneOf(Expressions))
            .Select(static pair => new JmesPathKeySelector(pair.Item1, pair.Item2.Contains('*') || pair.Item2.Contains("keys(") || pair.Item2.Contains("values(") ? "@" : pair.Item2));

    [Fact]
    public void Select_TwoSpellingsOfOnePayload_SelectTheSameKeyAndFingerprint() =>
        Gen.Select(OrderFreeSelector, JsonGen.Model, Gen.Int, Gen.Int).Check(static sample =>
        {
            var (selector, model, first, second) = sample;
            var a = Outcome(selector, model.Render(new Random(first)));
            var b = Outcome(selector, model.Render(new Random(second)));
            Assert.True(a == b, $"{selector.KeyExpression} / {selector.FingerprintExpression}: {a} != {b}");
        });

    [Fact]
    public void Select_BytesOrString_SelectTheSame() =>
        Gen.Select(Selector, JsonGen.Model, Gen.Int).Check(static sample =>
        {
            var (selector, model, seed) = sample;
            var json = model.Render(new Random(seed));
            Assert.Equal(Outcome(selector, json), Outcome(selector, Encoding.UTF8.GetBytes(json)));
        });

    private static string Outcome(JmesPathKeySelector selector, string json)
    {
        try
        {
            return selector.Select(json).ToString();
        }
        catch (IdempotencyKeyInvalidException)
        {
            return "invalid"; // the message names a position, which moves with the spelling
        }
    }

    private static string Outcome(JmesPathKeySelector selector, byte[] json)
    {
        try
        {
            return selector.Select(json).ToString();
        }
        catch (IdempotencyKeyInvalidException)
        {
            return "invalid"; // the message names a position, which moves with the spelling
        }
    }
}

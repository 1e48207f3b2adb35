using System.Text;
using CsCheck;
using Idempotency.Messaging;

namespace Idempotency.PropertyTests;

/// <summary>Finding a message's key (header, envelope key, event id, message id, content hash) in whatever arrives.</summary>
public sealed class MessageKeyProperties
{
    private static readonly MessageKeys Keys = new(new IdempotentConsumerOptions());

    private static readonly Gen<string?> HeaderValue = Gen.Frequency(
        (2, Gen.Const((string?)null)),
        (1, JsonGen.Text(20).Select(static text => (string?)text)),
        (1, Gen.Char['!', '~'].Array[1, 20].Select(static chars => (string?)new string(chars))));

    private static readonly Gen<JsonModel> IdValue = Gen.Frequency(
        (3, Gen.Char['!', '~'].Array[1, 20].Select(static chars => (JsonModel)new JsonText(new string(chars)))),
        (1, JsonGen.DoubleNumber),
        (1, Gen.OneOf<JsonModel>(new JsonLiteral("null"), new JsonLiteral("true"), new JsonText(string.Empty), new JsonText("\u00e9t\u00e9"))));

    // An envelope with some of the properties the default options look at, and volatile ones.
    private static readonly Gen<JsonModel> Envelope =
        Gen.Select(JsonGen.DoubleObject, IdValue, IdValue, JsonGen.Scalar, Gen.Int[0, 15]).Select(static sample =>
        {
            var (model, key, id, time, which) = sample;
            string[] names = ["idempotencyKey", "eventId", "id", "timestamp"];
            var properties = ((JsonObject)model).Properties.Where(p => !names.Contains(p.Name)).ToList();
            if ((which & 1) != 0)
            {
                properties.Add(("idempotencyKey", key));
            }

            if ((which & 2) != 0)
            {
                properties.Add((which % 3 == 0 ? "eventId" : "id", id));
            }

            if ((which & 4) != 0)
            {
                properties.Add(("timestamp", time));
            }

            return (JsonModel)new JsonObject([.. properties]);
        });

    private static readonly Gen<InboundMessage> Message =
        Gen.Select(Gen.Frequency((1, JsonGen.Hostile), (2, Gen.Select(Envelope, Gen.Int, static (m, seed) => Encoding.UTF8.GetBytes(m.Render(new Random(seed)))))), HeaderValue, HeaderValue)
            .Select(static sample => new InboundMessage("orders", sample.Item1)
            {
                Headers = sample.Item2 is null ? null : new Dictionary<string, string> { ["idempotency-key"] = sample.Item2 },
                MessageId = sample.Item3,
            });

    [Fact]
    public void Resolve_AnyMessage_GivesAPrintableKeyWithItsSourceOrNone() =>
        Message.Check(static message =>
        {
            var (key, source) = Keys.Resolve(message);
            Assert.Equal(key is null, source == MessageKeySource.None);
            if (key is not null)
            {
                Assert.NotEmpty(key);
                Assert.All(key, static c => Assert.InRange(c, ' ', '~'));
            }

            Assert.Equal((key, source), Keys.Resolve(message));
        });

    [Fact]
    public void Resolve_TwoSpellingsOfOneEnvelope_GiveTheSameKeyAndFingerprint() =>
        Gen.Select(Envelope, Gen.Int, Gen.Int, Gen.Bool).Check(static sample =>
        {
            var (envelope, first, second, withMessageId) = sample;
            InboundMessage Spelled(int seed) => new("orders", Encoding.UTF8.GetBytes(envelope.Render(new Random(seed)))) { MessageId = withMessageId ? "m-1" : null };
            var a = Spelled(first);
            var b = Spelled(second);
            Assert.Equal(Keys.Resolve(a), Keys.Resolve(b));
            Assert.Equal(Keys.Fingerprint(a), Keys.Fingerprint(b));
        });
}

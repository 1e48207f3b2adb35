using System.Text;
using System.Text.Json;
using CsCheck;

namespace Idempotency.PropertyTests;

/// <summary><see cref="ContentHash.CanonicalizeJson"/> and <see cref="ContentHash.ComputeCanonicalJson"/> over generated and hostile JSON.</summary>
public sealed class CanonicalJsonProperties
{
    [Fact]
    public void CanonicalizeJson_AnyBytes_ReturnsOrThrowsJsonExceptionOnly() =>
        JsonGen.Hostile.Check(static bytes =>
        {
            try
            {
                ContentHash.CanonicalizeJson(bytes);
            }
            catch (JsonException)
            {
            }
        });

    [Fact]
    public void CanonicalizeJson_ItsOwnOutput_IsUnchanged() =>
        JsonGen.Hostile.Check(static bytes =>
        {
            byte[] canonical;
            try
            {
                canonical = ContentHash.CanonicalizeJson(bytes);
            }
            catch (JsonException)
            {
                return;
            }

            Assert.Equal(canonical, ContentHash.CanonicalizeJson(canonical));
        });

    [Fact]
    public void CanonicalizeJson_TwoSpellingsOfOneValue_GiveTheSameBytes() =>
        JsonGen.TwoSpellings.Check(static sample =>
        {
            var first = Canonical(sample.First);
            var second = Canonical(sample.Second);
            Assert.True(first == second, $"{sample.First}\n -> {first}\n{sample.Second}\n -> {second}");
        });

    [Fact]
    public void CanonicalizeJson_Output_IsValidJsonWithTheSameStrings() =>
        JsonGen.Model.Check(static model =>
        {
            var plain = model.RenderPlain();
            string canonical;
            try
            {
                canonical = Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(plain)));
            }
            catch (JsonException)
            {
                return; // a number beyond the documented range
            }

            // The canonical text parses, with the same strings and names as the original.
            using var original = JsonDocument.Parse(plain);
            using var copy = JsonDocument.Parse(canonical);
            Assert.Equal(Strings(original.RootElement).Order(StringComparer.Ordinal), Strings(copy.RootElement).Order(StringComparer.Ordinal));
        });

    [Fact]
    public void ComputeCanonicalJson_ExcludedTopLevelProperty_HashesAsIfAbsent() =>
        Gen.Select(JsonGen.Object, JsonGen.Model, Gen.Int).Check(static sample =>
        {
            var (model, volatileValue, seed) = sample;
            var properties = ((JsonObject)model).Properties.Where(static p => p.Name != "timestamp").ToArray();
            var without = new JsonObject(properties);
            var with = new JsonObject([.. properties, ("timestamp", volatileValue)]);
            Assert.Equal(
                Hash(without.Render(new Random(seed)), []),
                Hash(with.Render(new Random(seed + 1)), ["timestamp"]));
        });

    private static string Canonical(string json)
    {
        try
        {
            return Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(json)));
        }
        catch (JsonException)
        {
            return "(refused)";
        }
    }

    private static string Hash(string json, string[] excluded)
    {
        try
        {
            return ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(json), excluded);
        }
        catch (JsonException)
        {
            return "(refused)";
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(static p => Strings(p.Value).Prepend(p.Name)),
        _ => [],
    };
}

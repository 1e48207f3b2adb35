using System.Text;
using CsCheck;

namespace Idempotency.PropertyTests;

/// <summary>Generators of JSON values, of their spellings, and of hostile bytes that are almost JSON.</summary>
public static class JsonGen
{
    /// <summary>One character or surrogate pair: mostly printable ASCII, with escapes, controls, non-ASCII and astral characters.</summary>
    public static readonly Gen<string> TextUnit = Gen.Frequency(
        (8, Gen.Char[' ', '~'].Select(static c => c.ToString())),
        (1, Gen.Char['\0', '\u001f'].Select(static c => c.ToString())),
        (1, Gen.OneOf("\"", "\\", "/", "\u007f", "\u2028", "\ufeff", "\uffff")),
        (1, Gen.Char['\u00a0', '\ud7ff'].Select(static c => c.ToString())),
        (1, Gen.Int[0x10000, 0x10ffff].Select(static code => char.ConvertFromUtf32(code))));

    /// <summary>A valid Unicode string (no lone surrogate) of up to <paramref name="maxUnits"/> characters.</summary>
    public static Gen<string> Text(int maxUnits = 12) => TextUnit.Array[0, maxUnits].Select(static units => string.Concat(units));

    public static readonly Gen<JsonModel> Number = Gen.Frequency(
        (6, Gen.Select(Gen.Bool, Gen.Int[0, 9], Gen.Char['0', '9'].Array[0, 25], Gen.Int[-30, 30], static (negative, first, rest, exponent) =>
            (JsonModel)(first == 0 ? new JsonNumber(negative, "0", 0) : new JsonNumber(negative, first + new string(rest), exponent)))),
        // Near the edge of the accepted range (a scientific exponent of ±999999): every spelling is refused alike or accepted alike.
        (1, Gen.Select(Gen.Bool, Gen.Char['1', '9'], Gen.Int[999_990, 1_000_010], Gen.Bool, static (negative, digit, exponent, small) =>
            (JsonModel)new JsonNumber(negative, digit.ToString(), small ? -exponent : exponent))));

    public static readonly Gen<JsonModel> Scalar = ScalarWith(Number);

    /// <summary>
    /// A number well inside every range (at most 15 significant digits, below 10^15): no spelling of it is refused, so a
    /// payload holding it is canonicalized rather than hashed as raw bytes.
    /// </summary>
    public static readonly Gen<JsonModel> DoubleNumber =
        Gen.Select(Gen.Bool, Gen.Char['1', '9'], Gen.Char['0', '9'].Array[0, 14], Gen.Int[-12, 14], static (negative, first, rest, exponent) =>
            (JsonModel)new JsonNumber(negative, first + new string(rest), Math.Min(exponent, 14 - rest.Length)));

    /// <summary>A JSON value up to four levels deep.</summary>
    public static readonly Gen<JsonModel> Model = Value(4, Number);

    /// <summary>An object (the shape of an envelope or request body).</summary>
    public static readonly Gen<JsonModel> Object = ObjectOf(Value(3, Number));

    /// <summary>An object whose numbers are <see cref="DoubleNumber"/>s.</summary>
    public static readonly Gen<JsonModel> DoubleObject = ObjectOf(Value(3, DoubleNumber));

    /// <summary>A value and two independent spellings of it.</summary>
    public static readonly Gen<(JsonModel Model, string First, string Second)> TwoSpellings =
        Gen.Select(Model, Gen.Int, Gen.Int, static (model, a, b) => (model, model.Render(new Random(a)), model.Render(new Random(b))));

    /// <summary>Bytes a parser may meet: valid JSON, JSON broken in one place, JSON-like token soup, random bytes, invalid UTF-8.</summary>
    public static readonly Gen<byte[]> Hostile = Gen.Frequency(
        (3, Gen.Select(Model, Gen.Int, static (model, seed) => Encoding.UTF8.GetBytes(model.Render(new Random(seed))))),
        (4, Gen.Select(Model, Gen.Int, static (model, seed) => Mutate(Encoding.UTF8.GetBytes(model.Render(new Random(seed))), new Random(seed)))),
        (2, Gen.OneOf(
            "{", "}", "[", "]", ",", ":", " ", "\"a\"", "\"", "\\", "\\u", "\\ud800", "\"\\ud800\"", "\"\\udc00\\ud800\"", "1", "-", "0.", "1e",
            "1e999999999999", "-0", "00", "nul", "null", "true", "fals", "\"id\"", "\"key\"", "\"body\"", "/*", "//", "'a'", "NaN", "Infinity", "\u00e9")
            .Array[0, 40].Select(static tokens => Encoding.UTF8.GetBytes(string.Concat(tokens)))),
        (2, Gen.Byte.Array[0, 64]),
        (1, Gen.Select(Gen.Int[1, 200], Gen.Bool, static (depth, arrays) =>
            Encoding.UTF8.GetBytes(arrays ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))));

    private static Gen<JsonModel> ScalarWith(Gen<JsonModel> number) => Gen.Frequency(
        (1, Gen.OneOf<JsonModel>(new JsonLiteral("null"), new JsonLiteral("true"), new JsonLiteral("false"))),
        (3, number),
        (3, Text().Select(static text => (JsonModel)new JsonText(text))));

    private static Gen<JsonModel> Value(int depth, Gen<JsonModel> number) => depth == 0
        ? ScalarWith(number)
        : Gen.Frequency(
            (4, ScalarWith(number)),
            (1, Value(depth - 1, number).Array[0, 4].Select(static items => (JsonModel)new JsonList(items))),
            (1, ObjectOf(Value(depth - 1, number))));

    private static Gen<JsonModel> ObjectOf(Gen<JsonModel> values) =>
        Gen.Select(Text(6), values).Array[0, 5].Select(static properties =>
            (JsonModel)new JsonObject([.. properties.DistinctBy(static property => property.Item1)]));

    // One edit: a byte flipped, inserted or removed, or the text cut short.
    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        switch (random.Next(4))
        {
            case 0 when list.Count > 0:
                list[random.Next(list.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                list.Insert(random.Next(list.Count + 1), (byte)random.Next(256));
                break;
            case 2 when list.Count > 0:
                list.RemoveAt(random.Next(list.Count));
                break;
            default:
                list = list.Take(random.Next(list.Count + 1)).ToList();
                break;
        }

        return [.. list];
    }
}

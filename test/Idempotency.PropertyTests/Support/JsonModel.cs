using System.Globalization;
using System.Text;

namespace Idempotency.PropertyTests;

/// <summary>
/// A JSON value as a value, not as text, so a test can write one value many ways (property order, whitespace, string
/// escapes, number spelling) and check that every spelling means the same to a parser.
/// </summary>
public abstract record JsonModel
{
    /// <summary>Writes the value with choices drawn from <paramref name="random"/>; every spelling is valid JSON for the same value.</summary>
    public string Render(Random random)
    {
        var text = new StringBuilder();
        Write(text, random);
        return text.ToString();
    }

    /// <summary>Writes the value in the plain spelling: document order, no whitespace, minimal escapes.</summary>
    public string RenderPlain() => WritePlain();

    internal abstract void Write(StringBuilder text, Random random);

    internal abstract string WritePlain();

    internal static void Space(StringBuilder text, Random random)
    {
        string[] spaces = ["", "", "", " ", "\n", "\t", "\r\n  "];
        text.Append(spaces[random.Next(spaces.Length)]);
    }

    internal static void WriteString(StringBuilder text, string value, Random? random)
    {
        text.Append('"');
        var escapePair = false;
        foreach (var c in value)
        {
            // Both halves of a surrogate pair are escaped, or neither: one escaped half next to a raw one would be a
            // lone surrogate in the text, which UTF-8 cannot carry.
            var escape = char.IsLowSurrogate(c) ? escapePair : random is not null && random.Next(4) == 0;
            escapePair = escape;
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n' when !escape: text.Append("\\n"); break;
                case '\t' when !escape: text.Append("\\t"); break;
                case '/' when escape: text.Append("\\/"); break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString(random?.Next(2) == 0 ? "X4" : "x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (escape)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}

public sealed record JsonLiteral(string Text) : JsonModel
{
    internal override void Write(StringBuilder text, Random random) => text.Append(Text);

    internal override string WritePlain() => Text;
}

/// <summary>The number <c>±Digits × 10^Exponent</c>; <see cref="Digits"/> has no leading zero (or is "0").</summary>
public sealed record JsonNumber(bool Negative, string Digits, int Exponent) : JsonModel
{
    internal override void Write(StringBuilder text, Random random)
    {
        if (Digits == "0")
        {
            // Zero: "0", "-0", "0.00", "0e7", "-0.0E-3"...
            text.Append(Negative ? "-0" : "0").Append(random.Next(2) == 0 ? string.Empty : "." + new string('0', random.Next(1, 3)));
            if (random.Next(2) == 0)
            {
                text.Append('e').Append(random.Next(-50, 50).ToString(CultureInfo.InvariantCulture));
            }

            return;
        }

        // Trailing zeros moved from the exponent into the digits, the decimal point anywhere, the exponent adjusted.
        var zeros = random.Next(3);
        var digits = Digits + new string('0', zeros);
        var exponent = (long)Exponent - zeros;
        var before = random.Next(digits.Length + 1);
        if (Negative)
        {
            text.Append('-');
        }

        text.Append(before == 0 ? "0" : digits[..before]);
        if (before < digits.Length)
        {
            text.Append('.').Append(digits[before..]);
        }

        var shown = exponent + (digits.Length - before);
        if (shown != 0 || random.Next(3) == 0)
        {
            text.Append(random.Next(2) == 0 ? 'e' : 'E');
            text.Append(shown < 0 ? "-" : random.Next(2) == 0 ? "+" : string.Empty);
            text.Append(Math.Abs(shown).ToString(CultureInfo.InvariantCulture));
        }
    }

    internal override string WritePlain() =>
        (Negative ? "-" : string.Empty) + Digits + (Exponent == 0 ? string.Empty : "e" + Exponent.ToString(CultureInfo.InvariantCulture));
}

public sealed record JsonText(string Value) : JsonModel
{
    internal override void Write(StringBuilder text, Random random) => WriteString(text, Value, random);

    internal override string WritePlain()
    {
        var text = new StringBuilder();
        WriteString(text, Value, null);
        return text.ToString();
    }
}

public sealed record JsonList(JsonModel[] Items) : JsonModel
{
    internal override void Write(StringBuilder text, Random random)
    {
        text.Append('[');
        for (var i = 0; i < Items.Length; i++)
        {
            Space(text, random);
            if (i > 0)
            {
                text.Append(',');
                Space(text, random);
            }

            Items[i].Write(text, random);
        }

        Space(text, random);
        text.Append(']');
    }

    internal override string WritePlain() => "[" + string.Join(",", Items.Select(static item => item.WritePlain())) + "]";
}

/// <summary>An object with distinct property names: its meaning does not depend on their order.</summary>
public sealed record JsonObject((string Name, JsonModel Value)[] Properties) : JsonModel
{
    internal override void Write(StringBuilder text, Random random)
    {
        var order = Properties.ToArray();
        random.Shuffle(order);
        text.Append('{');
        for (var i = 0; i < order.Length; i++)
        {
            Space(text, random);
            if (i > 0)
            {
                text.Append(',');
                Space(text, random);
            }

            WriteString(text, order[i].Name, random);
            Space(text, random);
            text.Append(':');
            Space(text, random);
            order[i].Value.Write(text, random);
        }

        Space(text, random);
        text.Append('}');
    }

    internal override string WritePlain()
    {
        var text = new StringBuilder("{");
        foreach (var (name, value) in Properties)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            WriteString(text, name, null);
            text.Append(':').Append(value.WritePlain());
        }

        return text.Append('}').ToString();
    }
}

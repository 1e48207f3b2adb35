using System.Text.Json.Serialization;

namespace Idempotency.Tests.Serialization;

public sealed record Invoice(string Number, decimal Total, IReadOnlyList<InvoiceLine> Lines);

public sealed record InvoiceLine(string Sku, int Quantity);

public sealed record NotInContext(int Value);

/// <summary>A source-generated context, as a trimmed or AOT app configures it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Invoice))]
[JsonSerializable(typeof(int))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Idempotency.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.AspNetCore.Tests;

/// <summary>The document ASP.NET Core generates (GET /openapi/v1.json) with <c>options.AddIdempotency()</c>, read as JSON.</summary>
public sealed class OpenApiDocumentTests
{
    private const string DefaultPattern =
        """^(?:"(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\[\x22\x5C]){1,255}"|[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,255})$""";

    private static Task<TestApp> StartAsync(
        Action<WebApplication>? map = null,
        Action<IdempotencyMiddlewareOptions>? http = null,
        Action<IdempotencyOptions>? core = null,
        bool controllers = false) =>
        TestApp.StartAsync(
            (app, runs) =>
            {
                app.MapOpenApi();
                app.MapPost("/required", () => TypedResults.Created("/required/1", new Item(1))).RequireIdempotency();
                app.MapPost("/optional", () => TypedResults.Ok(new Item(2))).RequireIdempotency(KeyRequirement.Optional);
                app.MapPost("/plain", () => TypedResults.Ok(new Item(3)));
                var group = app.MapGroup("/group").RequireIdempotency();
                group.MapPut("/in", () => TypedResults.NoContent());
                group.MapPut("/out", () => TypedResults.NoContent()).DisableIdempotency();
                group.MapGet("/read", () => TypedResults.Ok(new Item(0)));   // safe methods are never made idempotent
                map?.Invoke(app);
            },
            http,
            core,
            services => services.AddOpenApi(o => o.AddIdempotency()),
            controllers);

    private static async Task<JsonElement> DocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }

    private static JsonElement Operation(JsonElement document, string path, string method = "post") =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement? Parameter(JsonElement operation, string name) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Cast<JsonElement?>().SingleOrDefault()
            : null;

    private static string[] Statuses(JsonElement operation) =>
        [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

    private static string[] ExampleTypes(JsonElement operation, string status) =>
        [.. operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/problem+json")
            .GetProperty("examples").EnumerateObject().Select(e => e.Value.GetProperty("value").GetProperty("type").GetString()!)];

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task RequiredKey_ShowsRequiredHeaderWithItsSyntaxAndLimit()
    {
        await using var app = await StartAsync();
        var operation = Operation(await DocumentAsync(app.Client), "/required");

        var key = Parameter(operation, "Idempotency-Key")!.Value;
        Assert.Equal("header", key.GetProperty("in").GetString());
        Assert.True(key.GetProperty("required").GetBoolean());
        var schema = key.GetProperty("schema");
        Assert.Equal(["maxLength", "minLength", "pattern", "type"], Names(schema).Order());
        Assert.Equal("string", schema.GetProperty("type").GetString());
        Assert.Equal(1, schema.GetProperty("minLength").GetInt32());
        Assert.Equal(512, schema.GetProperty("maxLength").GetInt32());   // a 255-character key, quoted, every character escaped
        Assert.Equal(DefaultPattern, schema.GetProperty("pattern").GetString());
        Assert.Equal(
            "A unique key for this operation, the same on every retry of it: 1 to 255 printable ASCII characters as a Structured Field string (\"abc\", RFC 8941) or bare (abc). A retry with the key gets the first response again instead of running the operation twice.",
            key.GetProperty("description").GetString());
    }

    [Fact]
    public async Task RequiredKey_ShowsReplayHeaderOnSuccessAndTheFourProblemResponses()
    {
        await using var app = await StartAsync();
        var operation = Operation(await DocumentAsync(app.Client), "/required");

        Assert.Equal(["201", "400", "409", "422", "503"], Statuses(operation).Order());
        var replayed = operation.GetProperty("responses").GetProperty("201").GetProperty("headers").GetProperty("Idempotent-Replayed");
        Assert.Equal("string", replayed.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(["true"], replayed.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));

        Assert.Equal([ProblemTypes.KeyMissing, ProblemTypes.KeyInvalid], ExampleTypes(operation, "400"));
        Assert.Equal([ProblemTypes.InProgress], ExampleTypes(operation, "409"));
        Assert.Equal([ProblemTypes.KeyReused], ExampleTypes(operation, "422"));
        Assert.Equal([ProblemTypes.StoreUnavailable], ExampleTypes(operation, "503"));

        foreach (var (status, retryAfter) in new[] { ("400", false), ("409", true), ("422", false), ("503", true) })
        {
            var response = operation.GetProperty("responses").GetProperty(status);
            Assert.Equal(["application/problem+json"], Names(response.GetProperty("content")));
            Assert.Equal(retryAfter, response.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _));
            Assert.False(headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("Idempotent-Replayed", out _));
            var schema = response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
            Assert.Equal(["detail", "status", "title", "traceId", "type"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
            Assert.Equal([int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)], schema.GetProperty("properties").GetProperty("status").GetProperty("enum").EnumerateArray().Select(v => v.GetInt32()));
            Assert.Equal(ExampleTypes(operation, status), schema.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        }

        var retry = operation.GetProperty("responses").GetProperty("409").GetProperty("headers").GetProperty("Retry-After").GetProperty("schema");
        Assert.Equal("integer", retry.GetProperty("type").GetString());
        Assert.Equal(1, retry.GetProperty("minimum").GetInt32());
    }

    [Fact]
    public async Task OptionalKey_ShowsOptionalHeaderAndNoKeyMissingProblem()
    {
        await using var app = await StartAsync();
        var operation = Operation(await DocumentAsync(app.Client), "/optional");

        var key = Parameter(operation, "Idempotency-Key")!.Value;
        Assert.False(key.TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.EndsWith(" Without it the request runs unprotected.", key.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["200", "400", "409", "422", "503"], Statuses(operation).Order());
        Assert.Equal([ProblemTypes.KeyInvalid], ExampleTypes(operation, "400"));
        Assert.True(operation.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _));
    }

    [Theory]
    [InlineData("/plain", "post")]
    [InlineData("/group/out", "put")]
    [InlineData("/group/read", "get")]
    public async Task EndpointThatDidNotOptIn_ShowsNothing(string path, string method)
    {
        await using var app = await StartAsync();
        var document = await DocumentAsync(app.Client);
        var operation = Operation(document, path, method);

        Assert.Null(Parameter(operation, "Idempotency-Key"));
        Assert.Equal(path == "/group/out" ? ["204"] : ["200"], Statuses(operation));
        Assert.False(operation.GetProperty("responses").EnumerateObject().Single().Value.TryGetProperty("headers", out _));
    }

    [Fact]
    public async Task Group_RequireIdempotency_ShowsOnItsEndpoints()
    {
        await using var app = await StartAsync();
        var operation = Operation(await DocumentAsync(app.Client), "/group/in", "put");

        Assert.True(Parameter(operation, "Idempotency-Key")!.Value.GetProperty("required").GetBoolean());
        Assert.Equal(["204", "400", "409", "422", "503"], Statuses(operation).Order());
        Assert.True(operation.GetProperty("responses").GetProperty("204").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _));
    }

    [Fact]
    public async Task ApplyToAllPostAndPatch_ShowsOnPostAndPatchOnly()
    {
        await using var app = await StartAsync(
            map: a =>
            {
                a.MapPatch("/patched", () => TypedResults.NoContent());
                a.MapDelete("/deleted", () => TypedResults.NoContent());
                a.MapGet("/read", () => TypedResults.Ok(new Item(4)));
            },
            http: o => o.ApplyToAllPostAndPatch = true);
        var document = await DocumentAsync(app.Client);

        Assert.NotNull(Parameter(Operation(document, "/plain"), "Idempotency-Key"));
        Assert.NotNull(Parameter(Operation(document, "/patched", "patch"), "Idempotency-Key"));
        Assert.Null(Parameter(Operation(document, "/deleted", "delete"), "Idempotency-Key"));
        Assert.Null(Parameter(Operation(document, "/read", "get"), "Idempotency-Key"));
        Assert.Null(Parameter(Operation(document, "/group/out", "put"), "Idempotency-Key"));
    }

    [Fact]
    public async Task Controllers_IdempotentAttribute_ShowsPerActionAndOptOutWins()
    {
        await using var app = await StartAsync(controllers: true);
        var document = await DocumentAsync(app.Client);

        Assert.True(Parameter(Operation(document, "/payments"), "Idempotency-Key")!.Value.GetProperty("required").GetBoolean());
        Assert.False(Parameter(Operation(document, "/payments/refunds"), "Idempotency-Key")!.Value.TryGetProperty("required", out _));
        Assert.Equal([ProblemTypes.KeyInvalid], ExampleTypes(Operation(document, "/payments/refunds"), "400"));
        Assert.True(Parameter(Operation(document, "/ledger"), "Idempotency-Key")!.Value.GetProperty("required").GetBoolean());
        Assert.Null(Parameter(Operation(document, "/ledger/unprotected"), "Idempotency-Key"));
        Assert.DoesNotContain("409", Statuses(Operation(document, "/ledger/unprotected")));
    }

    [Fact]
    public async Task Options_NamesLimitsAndProblemTypes_AreTheConfiguredOnes()
    {
        await using var app = await StartAsync(
            http: o =>
            {
                o.HeaderName = "Request-Key";
                o.ReplayedHeaderName = "Replayed";
                o.StrictHeaderParsing = true;
                o.ProblemTypes.KeyMissing = "https://errors.example/key-missing";
                o.ProblemTypes.KeyReused = "https://errors.example/key-reused";
            },
            core: o => o.MaxKeyLength = 64);
        var operation = Operation(await DocumentAsync(app.Client), "/required");

        Assert.Null(Parameter(operation, "Idempotency-Key"));
        var schema = Parameter(operation, "Request-Key")!.Value.GetProperty("schema");
        Assert.Equal("""^"(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\[\x22\x5C]){1,64}"$""", schema.GetProperty("pattern").GetString());
        Assert.Equal(130, schema.GetProperty("maxLength").GetInt32());
        Assert.Equal(["Replayed"], Names(operation.GetProperty("responses").GetProperty("201").GetProperty("headers")));
        Assert.Equal(["https://errors.example/key-missing", ProblemTypes.KeyInvalid], ExampleTypes(operation, "400"));
        Assert.Equal(["https://errors.example/key-reused"], ExampleTypes(operation, "422"));
    }

    [Fact]
    public async Task Policy_DecidesKeyRequirementAndFailOpenShowsNo503()
    {
        await using var app = await StartAsync(
            map: a =>
            {
                a.MapPost("/lenient", () => TypedResults.Ok(new Item(5))).RequireIdempotency("lenient");
                a.MapPost("/lenient-required", () => TypedResults.Ok(new Item(6))).RequireIdempotency(KeyRequirement.Required, "lenient");
            },
            core: o => o.AddPolicy("lenient", p =>
            {
                p.KeyRequirement = KeyRequirement.Optional;
                p.StoreFailureMode = StoreFailureMode.FailOpen;
            }));
        var document = await DocumentAsync(app.Client);

        var lenient = Operation(document, "/lenient");
        Assert.False(Parameter(lenient, "Idempotency-Key")!.Value.TryGetProperty("required", out _));
        Assert.Equal(["200", "400", "409", "422"], Statuses(lenient).Order());
        var required = Operation(document, "/lenient-required");
        Assert.True(Parameter(required, "Idempotency-Key")!.Value.GetProperty("required").GetBoolean());
        Assert.Equal(["200", "400", "409", "422"], Statuses(required).Order());
    }

    [Fact]
    public async Task ProblemExamples_AreWhatTheMiddlewareAnswers()
    {
        await using var app = await StartAsync();
        var operation = Operation(await DocumentAsync(app.Client), "/required");

        var missing = await app.SendAsync(Requests.Post("/required", key: null));
        var invalid = await app.SendAsync(Requests.Post("/required", key: "a,b"));
        await app.SendAsync(Requests.Post("/required", "k1"));
        var reused = await app.SendAsync(Requests.Post("/required", "k1", body: """{"other":1}"""));

        foreach (var answer in new[] { missing, invalid, reused })
        {
            var status = ((int)answer.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var example = operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/problem+json")
                .GetProperty("examples").EnumerateObject().Single(e => e.Value.GetProperty("value").GetProperty("type").GetString() == answer.ProblemType).Value;
            Assert.Equal(answer.Json.GetProperty("title").GetString(), example.GetProperty("value").GetProperty("title").GetString());
            Assert.Equal(answer.Json.GetProperty("status").GetInt32(), example.GetProperty("value").GetProperty("status").GetInt32());
            Assert.Equal(
                ["detail", "status", "title", "traceId", "type"],
                answer.Json.EnumerateObject().Select(p => p.Name).Order());
        }
    }

    [Theory]
    [InlineData("550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("\"550e8400-e29b-41d4-a716-446655440000\"")]
    [InlineData("\"a \\\"quoted\\\" \\\\ key\"")]
    [InlineData("\"with space\"")]
    [InlineData("k!#$%&'*+-.:<=>?@[]^_`{|}~")]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("a,b")]
    [InlineData("\"a\", \"b\"")]
    [InlineData("abc;p=1")]
    [InlineData("\"abc\";p=1")]
    [InlineData("\"abc")]
    [InlineData("\"a\\x\"")]
    [InlineData("with space")]
    [InlineData("bare\"quote")]
    [InlineData("bare\\slash")]
    [InlineData("caf\u00e9")]
    [InlineData("\"tab\there\"")]
    public void Pattern_AcceptsExactlyWhatTheHeaderReaderAccepts(string value)
    {
        foreach (var strict in new[] { false, true })
        {
            var parsed = KeyHeaderReader.Parse(value, strict);
            var matches = Regex.IsMatch(value, KeyHeaderSchema.Pattern(255, strict), RegexOptions.ECMAScript);
            Assert.Equal(parsed.Error is null, matches);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Pattern_BoundsTheKeyLengthNotTheFieldLength(int maxKeyLength)
    {
        foreach (var strict in new[] { false, true })
        {
            var pattern = KeyHeaderSchema.Pattern(maxKeyLength, strict);
            var longest = string.Concat(Enumerable.Repeat("\\\"", maxKeyLength));
            Assert.True(Regex.IsMatch($"\"{longest}\"", pattern, RegexOptions.ECMAScript));
            Assert.Equal(KeyHeaderSchema.MaxLength(maxKeyLength), longest.Length + 2);
            Assert.False(Regex.IsMatch($"\"{longest}x\"", pattern, RegexOptions.ECMAScript));
            Assert.Equal(!strict, Regex.IsMatch(new string('k', maxKeyLength), pattern, RegexOptions.ECMAScript));
            Assert.False(Regex.IsMatch(new string('k', maxKeyLength + 1), pattern, RegexOptions.ECMAScript));
        }
    }

    [Fact]
    public async Task Sample_PostOrders_ShowsTheKeyHeaderAndProblems()
    {
        await using var sample = await SampleHost.StartAsync();
        var document = await DocumentAsync(sample.Client);

        var orders = Operation(document, "/orders");
        Assert.True(Parameter(orders, "Idempotency-Key")!.Value.GetProperty("required").GetBoolean());
        Assert.Equal(["201", "400", "409", "422", "503"], Statuses(orders).Order());
        Assert.True(orders.GetProperty("responses").GetProperty("201").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _));

        // The endpoint's own 400 (ProducesProblem) keeps its ProblemDetails schema; the key problems join it as examples.
        var badRequest = orders.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json");
        Assert.Equal("#/components/schemas/ProblemDetails", badRequest.GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal([ProblemTypes.KeyMissing, ProblemTypes.KeyInvalid], ExampleTypes(orders, "400"));

        Assert.False(Parameter(Operation(document, "/notes"), "Idempotency-Key")!.Value.TryGetProperty("required", out _));
        Assert.Null(Parameter(Operation(document, "/orders/{id}", "get"), "Idempotency-Key"));
    }

    public sealed record Item(int Id);
}

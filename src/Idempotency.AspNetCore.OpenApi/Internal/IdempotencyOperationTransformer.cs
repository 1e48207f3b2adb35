using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Idempotency.AspNetCore.OpenApi;

/// <summary>Adds the key header, the replay header and the problem responses to the operations of idempotent endpoints.</summary>
internal sealed class IdempotencyOperationTransformer : IOpenApiOperationTransformer
{
    private const string ProblemContentType = "application/problem+json";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var services = context.ApplicationServices;
        var http = services.GetRequiredService<IOptions<IdempotencyMiddlewareOptions>>().Value;
        var core = services.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        if (!IdempotentOperation.TryGet(context.Description, http, core, out var idempotent))
        {
            return Task.CompletedTask;
        }

        AddKeyParameter(operation, http, core, idempotent.KeyRequirement);
        operation.Responses ??= [];
        AddReplayedHeader(operation.Responses, http.ReplayedHeaderName);
        foreach (var status in IdempotencyProblems.For(http, idempotent))
        {
            AddProblemResponse(operation.Responses, status);
        }

        return Task.CompletedTask;
    }

    private static void AddKeyParameter(OpenApiOperation operation, IdempotencyMiddlewareOptions http, IdempotencyOptions core, KeyRequirement requirement)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.In == ParameterLocation.Header && string.Equals(p.Name, http.HeaderName, StringComparison.OrdinalIgnoreCase)))
        {
            return;   // the app describes the header itself
        }

        var required = requirement == KeyRequirement.Required;
        var form = http.StrictHeaderParsing ? "as a Structured Field string (\"abc\", RFC 8941)" : "as a Structured Field string (\"abc\", RFC 8941) or bare (abc)";
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = http.HeaderName,
            In = ParameterLocation.Header,
            Required = required,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"A unique key for this operation, the same on every retry of it: 1 to {core.MaxKeyLength} printable ASCII characters {form}. A retry with the key gets the first response again instead of running the operation twice.")
                + (required ? string.Empty : " Without it the request runs unprotected."),
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = 1,
                MaxLength = KeyHeaderSchema.MaxLength(core.MaxKeyLength),
                Pattern = KeyHeaderSchema.Pattern(core.MaxKeyLength, http.StrictHeaderParsing),
            },
        });
    }

    /// <summary>RFC 9457 problem details as the middleware writes them, with the <c>type</c> URIs this status stands for.</summary>
    private static OpenApiSchema ProblemSchema(ProblemStatus status) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "detail", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. status.Problems.Select(p => (JsonNode)JsonValue.Create(p.Type))] },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Enum = [JsonValue.Create(status.Status)] },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };

    private static void AddReplayedHeader(OpenApiResponses responses, string headerName)
    {
        var header = new OpenApiHeader
        {
            Description = "true when this is the stored response of an earlier request with the same key, replayed without running the operation again; absent on the first response.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
        };
        foreach (var (status, response) in responses)
        {
            if (status.StartsWith('2') && response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                success.Headers.TryAdd(headerName, header);
            }
        }
    }

    private static void AddProblemResponse(OpenApiResponses responses, ProblemStatus status)
    {
        var key = status.Status.ToString(CultureInfo.InvariantCulture);
        if (!responses.TryGetValue(key, out var existing))
        {
            existing = new OpenApiResponse { Description = status.Description };
            responses[key] = existing;
        }

        if (existing is not OpenApiResponse response)
        {
            return;   // a reference to a shared response: not ours to change
        }

        response.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.OrdinalIgnoreCase);
        if (!response.Content.TryGetValue(ProblemContentType, out var media))
        {
            // The endpoint's own problem schema stays when it declares one (ProducesProblem); the examples name ours.
            media = new OpenApiMediaType { Schema = ProblemSchema(status) };
            response.Content[ProblemContentType] = media;
        }

        media.Examples ??= new Dictionary<string, IOpenApiExample>(StringComparer.Ordinal);
        foreach (var problem in status.Problems)
        {
            media.Examples.TryAdd(problem.Name, new OpenApiExample
            {
                Summary = problem.Title,
                Value = new JsonObject { ["type"] = problem.Type, ["title"] = problem.Title, ["status"] = status.Status },
            });
        }

        if (status.RetryAfter)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
            response.Headers.TryAdd("Retry-After", new OpenApiHeader
            {
                Description = "Seconds to wait before retrying with the same key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            });
        }
    }
}

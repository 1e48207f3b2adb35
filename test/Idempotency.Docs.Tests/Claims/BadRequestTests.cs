using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.TestHost;
using Snippets;

namespace Idempotency.Docs.Tests;

/// <summary>
/// docs/getting-started.md, "A 400 thrown or a 400 returned": a bad request the framework throws releases the key, one
/// it answers (minimal APIs outside Development, MVC's automatic validation) is stored and replayed like the handler's own.
/// </summary>
public sealed class BadRequestTests
{
    private const string Malformed = "{\"item\":";
    private const string Valid = "{\"item\":\"book\",\"quantity\":1}";

    [Fact]
    public async Task BindingFailure_InDevelopment_IsThrownAndReleasesTheKey()
    {
        await using var app = await StartMinimalApiAsync("Development");
        var client = app.GetTestClient();

        // ThrowOnBadRequest is on in Development: the developer exception page answers 400 after the key was released.
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, Malformed));
        using var retry = await client.SendAsync(TestApp.Post("/orders", "k-1", Malformed));
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task BindingFailure_InDevelopmentWithExceptionHandler_Is500AndReleasesTheKey()
    {
        await using var app = await StartMinimalApiAsync("Development", builder => builder.Services.AddProblemDetails(), app => app.UseExceptionHandler());
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.InternalServerError, await StatusAsync(client, Malformed));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task BindingFailure_OutsideDevelopment_IsAnsweredStoredAndReplayed()
    {
        await using var app = await StartMinimalApiAsync("Production");
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, Malformed));
        using var retry = await client.SendAsync(TestApp.Post("/orders", "k-1", Malformed));
        Assert.Equal(HttpStatusCode.BadRequest, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task BindingFailure_ThrownEverywhere_ReleasesTheKeyAndAnswers400()
    {
        await using var app = await StartMinimalApiAsync("Production", BadRequests.ThrowOnBadRequest, BadRequests.AnswerBadRequests);
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, Malformed));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task BindingFailure_StoreOnlySuccessfulResponses_ReleasesTheKey()
    {
        await using var app = await StartMinimalApiAsync("Production", builder =>
            builder.Services.AddIdempotency().AddIdempotencyMiddleware(options => options.StoreOnlySuccessfulResponses = true));
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, Malformed));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task ReturnedBadRequest_IsStoredAndReplayed()
    {
        await using var app = await TestApp.StartAsync("Production", _ => { }, app =>
        {
            app.UseIdempotency();
            app.MapPost("/orders", (OrderInput input) => input.Quantity > 0
                ? Results.Created("/orders/1", input)
                : Results.ValidationProblem(new Dictionary<string, string[]> { ["quantity"] = ["must be positive"] })).RequireIdempotency();
        });
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, "{\"item\":\"book\",\"quantity\":0}"));
        using var retry = await client.SendAsync(TestApp.Post("/orders", "k-1", "{\"item\":\"book\",\"quantity\":0}"));
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await StatusAsync(client, Valid));
    }

    [Fact]
    public async Task ApiControllerValidation_IsAnsweredStoredAndReplayed()
    {
        await using var app = await TestApp.StartAsync("Production", builder => builder.Services.AddControllers()
            .ConfigureApplicationPartManager(parts =>
            {
                parts.ApplicationParts.Clear();
                parts.FeatureProviders.Add(new OneController(typeof(ValidatedOrdersController)));
            }), app =>
        {
            app.UseIdempotency();
            app.MapControllers();
        });
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, Malformed));
        using var retry = await client.SendAsync(TestApp.Post("/orders", "k-1", Malformed));
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await StatusAsync(client, Valid));
    }

    private static Task<WebApplication> StartMinimalApiAsync(string environment, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? before = null) =>
        TestApp.StartAsync(environment, configure ?? (_ => { }), app =>
        {
            before?.Invoke(app);
            app.UseIdempotency();
            app.MapPost("/orders", (OrderInput input) => Results.Created("/orders/1", input)).RequireIdempotency();
        });

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string json)
    {
        using var response = await client.SendAsync(TestApp.Post("/orders", "k-1", json));
        return response.StatusCode;
    }

    private sealed class OneController(Type controller) : IApplicationFeatureProvider<ControllerFeature>
    {
        public void PopulateFeature(IEnumerable<ApplicationPart> parts, ControllerFeature feature) => feature.Controllers.Add(controller.GetTypeInfo());
    }
}

[ApiController]
[Route("orders")]
[Idempotency.AspNetCore.Idempotent]
public sealed class ValidatedOrdersController : ControllerBase
{
    [HttpPost]
    public IActionResult Create(OrderInput input) => Created("/orders/1", input);
}

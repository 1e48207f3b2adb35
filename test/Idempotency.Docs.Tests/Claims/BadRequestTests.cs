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

    /// <summary>Stored: the retry gets the 400 again, replayed, and the corrected body under the same key gets 422.</summary>
    private static readonly (HttpStatusCode, HttpStatusCode, bool, HttpStatusCode) Stored =
        (HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, true, HttpStatusCode.UnprocessableEntity);

    [Fact]
    public async Task BindingFailure_InDevelopment_IsThrownAndReleasesTheKey()
    {
        // ThrowOnBadRequest is on in Development: the developer exception page answers 400 after the key was released.
        await using var app = await StartMinimalApiAsync("Development");

        Assert.Equal(Released(HttpStatusCode.BadRequest), await SendBadThenCorrectedAsync(app));
    }

    [Fact]
    public async Task BindingFailure_InDevelopmentWithExceptionHandler_Is500AndReleasesTheKey()
    {
        await using var app = await StartMinimalApiAsync("Development", builder => builder.Services.AddProblemDetails(), app => app.UseExceptionHandler());

        Assert.Equal(Released(HttpStatusCode.InternalServerError), await SendBadThenCorrectedAsync(app));
    }

    [Fact]
    public async Task BindingFailure_OutsideDevelopment_IsAnsweredStoredAndReplayed()
    {
        await using var app = await StartMinimalApiAsync("Production");

        Assert.Equal(Stored, await SendBadThenCorrectedAsync(app));
    }

    [Fact]
    public async Task BindingFailure_ThrownEverywhere_ReleasesTheKeyAndAnswers400()
    {
        await using var app = await StartMinimalApiAsync("Production", BadRequests.ThrowOnBadRequest, BadRequests.AnswerBadRequests);

        Assert.Equal(Released(HttpStatusCode.BadRequest), await SendBadThenCorrectedAsync(app));
    }

    [Fact]
    public async Task BindingFailure_StoreOnlySuccessfulResponses_ReleasesTheKey()
    {
        await using var app = await StartMinimalApiAsync("Production", builder =>
            builder.Services.AddIdempotency().AddIdempotencyMiddleware(options => options.StoreOnlySuccessfulResponses = true));

        Assert.Equal(Released(HttpStatusCode.BadRequest), await SendBadThenCorrectedAsync(app));
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

        Assert.Equal(Stored, await SendBadThenCorrectedAsync(app, bad: "{\"item\":\"book\",\"quantity\":0}"));
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

        Assert.Equal(Stored, await SendBadThenCorrectedAsync(app));
    }

    /// <summary>Released: the retry runs again (no replay), and the corrected body under the same key is created.</summary>
    private static (HttpStatusCode First, HttpStatusCode Retry, bool Replayed, HttpStatusCode Corrected) Released(HttpStatusCode status) =>
        (status, status, false, HttpStatusCode.Created);

    private static async Task<(HttpStatusCode First, HttpStatusCode Retry, bool Replayed, HttpStatusCode Corrected)> SendBadThenCorrectedAsync(WebApplication app, string bad = Malformed)
    {
        var client = app.GetTestClient();
        using var first = await client.SendAsync(TestApp.Post("/orders", "k-1", bad));
        using var retry = await client.SendAsync(TestApp.Post("/orders", "k-1", bad));
        using var corrected = await client.SendAsync(TestApp.Post("/orders", "k-1", Valid));
        return (first.StatusCode, retry.StatusCode, retry.Headers.Contains("Idempotent-Replayed"), corrected.StatusCode);
    }

    private static Task<WebApplication> StartMinimalApiAsync(string environment, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? before = null) =>
        TestApp.StartAsync(environment, configure ?? (_ => { }), app =>
        {
            before?.Invoke(app);
            app.UseIdempotency();
            app.MapPost("/orders", (OrderInput input) => Results.Created("/orders/1", input)).RequireIdempotency();
        });

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

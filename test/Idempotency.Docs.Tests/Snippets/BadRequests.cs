namespace Snippets;

/// <summary>Called by BadRequestTests, so the page's advice is tested as shown.</summary>
public static class BadRequests
{
    public static void ThrowOnBadRequest(WebApplicationBuilder builder)
    {
        #region snippet: getting-started-throw-on-bad-request
        builder.Services.AddProblemDetails();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        #endregion
    }

    public static void AnswerBadRequests(WebApplication app)
    {
        #region snippet: getting-started-throw-on-bad-request
        app.UseExceptionHandler(new ExceptionHandlerOptions       // before UseIdempotency
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException badRequest
                ? badRequest.StatusCode
                : StatusCodes.Status500InternalServerError,
        });
        #endregion
    }
}

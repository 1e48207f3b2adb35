using System.Net;

namespace Idempotency.AspNetCore.Tests;

public sealed class OptionalKeyTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostNotes_WithoutKey_RunsEveryTime()
    {
        var answers = new List<Answer>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Answer.SendAsync(_host.Client, Requests.Post("/notes", key: null)));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.All(answers, a => Assert.False(a.IsReplayed));
        Assert.Equal(3, answers.Select(a => a.Json.GetProperty("id").GetString()).Distinct().Count());
        Assert.StartsWith("/notes/", answers[0].Header("Location"), StringComparison.Ordinal);
        Assert.Equal((0, 3), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostNotes_WithKey_Replays()
    {
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(_host.Client, Requests.Post("/notes", key));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/notes", key));

        Assert.True(second.IsReplayed);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal((0, 1), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostNotes_MalformedKey_StillReturns400()
    {
        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/notes", "a, b"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }
}

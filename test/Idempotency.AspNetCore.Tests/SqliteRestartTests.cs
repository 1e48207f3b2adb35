using System.Net;

namespace Idempotency.AspNetCore.Tests;

/// <summary>The sample on its default store, a SQLite file: a key sent before a restart replays after it.</summary>
public sealed class SqliteRestartTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("orders-api-sqlite-");

    [Fact]
    public async Task PostOrders_SameKeyAfterARestartOnTheSameFile_ReplaysTheFirstOrderWithoutRunningAgain()
    {
        string[] args = ["--Idempotency:Store=sqlite", $"--ConnectionStrings:Sqlite=Data Source={Path.Combine(_folder.FullName, "idempotency.db")}"];
        var key = Requests.NewKey();

        Answer first;
        await using (var before = await SampleHost.StartAsync(null, args))
        {
            first = await Answer.SendAsync(before.Client, Requests.Post("/orders", key));
            Assert.Equal(HttpStatusCode.Created, first.Status);
            Assert.False(first.IsReplayed);
            Assert.Equal((1, 0), await before.GetRunsAsync());
        }

        await using var after = await SampleHost.StartAsync(null, args);
        var retry = await Answer.SendAsync(after.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Json.GetProperty("id").GetString(), retry.Json.GetProperty("id").GetString());
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal((0, 0), await after.GetRunsAsync());
    }

    public void Dispose() => _folder.Delete(recursive: true);
}

using System.Diagnostics;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>
/// Counts the commands one data source sends, from Npgsql's own tracing (ActivitySource "Npgsql"): one span per command
/// or batch, that is one round trip. The data source tags its spans, so other tests' traffic is not counted.
/// </summary>
internal sealed class CommandCounter : IDisposable
{
    private const string Tag = "test.counter";
    private readonly string _id = Guid.NewGuid().ToString("N");
    private readonly ActivityListener _listener;
    private readonly List<string> _statements = [];

    public CommandCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(Tag) as string == _id)
                {
                    lock (_statements)
                    {
                        _statements.Add(activity.GetTagItem("db.query.text") as string ?? activity.DisplayName);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count
    {
        get
        {
            lock (_statements)
            {
                return _statements.Count;
            }
        }
    }

    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (_statements)
            {
                return [.. _statements];
            }
        }
    }

    public void Configure(NpgsqlDataSourceBuilder builder) => builder.ConfigureTracing(tracing => tracing
        .ConfigureCommandEnrichmentCallback((activity, _) => activity.SetTag(Tag, _id))
        .ConfigureBatchEnrichmentCallback((activity, _) => activity.SetTag(Tag, _id)));

    public void Reset()
    {
        lock (_statements)
        {
            _statements.Clear();
        }
    }

    public void Dispose() => _listener.Dispose();
}

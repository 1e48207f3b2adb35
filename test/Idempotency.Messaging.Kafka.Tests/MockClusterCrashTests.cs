using Idempotency.TestServers;

namespace Idempotency.Messaging.Kafka.Tests;

// A consumer process killed with SIGKILL mid-handler. The mock cluster lives in this test process (it dies with the
// process that created it), the consumers are child processes connected to it over loopback, and the store is a real
// redis-server that outlives them.
public sealed class MockClusterCrashTests(KafkaMockCluster cluster, RedisServer redis) : IClassFixture<KafkaMockCluster>, IClassFixture<RedisServer>
{
    private const int LeaseMs = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MockCluster_ConsumerProcessKilledMidHandler_ExactlyOneRecoveryRunAfterTheLease()
    {
        var topic = MockClusterDeliveryTests.Unique("payments");
        var group = MockClusterDeliveryTests.Unique("group");
        var log = Path.Combine(Path.GetTempPath(), $"kafka-crash-{Guid.NewGuid():N}.log");

        // One partition, so the killed process is mid-handler of evt-5 and of nothing else.
        for (var i = 0; i < 20; i++)
        {
            await cluster.ProduceAsync(topic, TestEvents.Body($"evt-{i}"), partition: 0, headers: TestEvents.Headers());
        }

        try
        {
            using (var first = CrashConsumerProcess.Start(cluster.BootstrapServers, redis.ConnectionString, topic, group, log, LeaseMs, hangOn: "evt-5"))
            {
                await WaitForLineAsync(log, "begin evt-5", first);
                first.Process.Kill(); // SIGKILL: no stop, no release, no commit
                await first.Process.WaitForExitAsync();
            }

            using var second = CrashConsumerProcess.Start(cluster.BootstrapServers, redis.ConnectionString, topic, group, log, LeaseMs, hangOn: null);
            await cluster.WaitUntilCommittedAsync(group, topic, Timeout);
            second.Process.StandardInput.Close(); // graceful stop
            await second.Process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.True(second.Process.ExitCode == 0, second.Output);

            var lines = await File.ReadAllLinesAsync(log);
            Assert.Equal(2, lines.Count(l => l == "begin evt-5")); // the killed run and exactly one recovery
            Assert.Equal(1, lines.Count(l => l == "end evt-5"));
            foreach (var id in Enumerable.Range(0, 20).Where(i => i != 5).Select(i => $"evt-{i}"))
            {
                Assert.Equal(1, lines.Count(l => l == $"begin {id}"));
                Assert.Equal(1, lines.Count(l => l == $"end {id}"));
            }
        }
        finally
        {
            File.Delete(log);
        }
    }

    private static async Task WaitForLineAsync(string path, string line, CrashConsumerProcess process)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.Exists(path) || !(await File.ReadAllLinesAsync(path)).Contains(line))
        {
            Assert.False(process.Process.HasExited, $"The consumer process exited before '{line}': {process.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"'{line}' was not logged within {Timeout}.");
            await Task.Delay(50);
        }
    }
}

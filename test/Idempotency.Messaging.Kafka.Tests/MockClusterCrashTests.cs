using Idempotency.TestServers;

namespace Idempotency.Messaging.Kafka.Tests;

// A consumer process killed with SIGKILL mid-handler. The mock cluster lives in this test process (it dies with the
// process that created it), the consumers are child processes connected to it over loopback, and the store is a real
// redis-server that outlives them.
public sealed class MockClusterCrashTests(KafkaMockCluster cluster, RedisServer redis) : IClassFixture<KafkaMockCluster>, IClassFixture<RedisServer>
{
    private const int LeaseMs = 2000;
    [Fact]
    public async Task MockCluster_ConsumerProcessKilledMidHandler_ExactlyOneRecoveryRunAfterTheLease()
    {
        var (topic, group) = TestWait.TopicAndGroup();
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
                Assert.False(first.Process.HasExited, $"The consumer process exited before it began evt-5: {first.Output}");
                first.Process.Kill(); // SIGKILL: no stop, no release, no commit
                await first.Process.WaitForExitAsync();
            }

            using var second = CrashConsumerProcess.Start(cluster.BootstrapServers, redis.ConnectionString, topic, group, log, LeaseMs, hangOn: null);
            await cluster.WaitUntilCommittedAsync(group, topic);
            second.Process.StandardInput.Close(); // graceful stop
            await second.Process.WaitForExitAsync().WaitAsync(TestWait.Timeout);
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

    private static Task WaitForLineAsync(string path, string line, CrashConsumerProcess process) => TestWait.UntilAsync(
        () => (File.Exists(path) && File.ReadAllLines(path).Contains(line)) || process.Process.HasExited,
        () => $"'{line}' was not logged within {TestWait.Timeout}.");
}

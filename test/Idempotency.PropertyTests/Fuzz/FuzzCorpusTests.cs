using Idempotency.Fuzz;

namespace Idempotency.PropertyTests;

/// <summary>
/// The coverage-guided fuzzing harness (test/Idempotency.Fuzz, run by eng/fuzz.sh) without AFL: every committed corpus
/// input through every target, so the corpus and the targets stay valid as the parsers change.
/// </summary>
public sealed class FuzzCorpusTests
{
    [Fact]
    public void Replay_CommittedCorpus_EveryTargetAcceptsOrRefusesEveryInput()
    {
        var corpus = CorpusReplay.DefaultDirectory();
        var inputs = CorpusReplay.Run(corpus);

        // Every target has seeds of its own.
        Assert.All(FuzzTargets.Names, static name => Assert.NotEmpty(Directory.GetFiles(Path.Combine(CorpusReplay.DefaultDirectory(), name))));
        Assert.True(inputs >= FuzzTargets.Names.Count, $"{inputs} inputs");
    }
}

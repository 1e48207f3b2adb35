namespace Idempotency.Cli;

/// <summary>The tool's exit codes (docs/cli.md lists them; scripts branch on them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int StoreUnavailable = 3;
    public const int NotSupported = 4;

    /// <summary>unstick refused: the lease is live (without --force), the record is not in progress, or it changed meanwhile.</summary>
    public const int Refused = 5;

    /// <summary>Ctrl+C (SIGINT): the shell's convention, 128 + the signal's number.</summary>
    public const int Cancelled = 130;
}

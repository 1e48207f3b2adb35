using Spectre.Console;

namespace Idempotency.Cli;

/// <summary>Where a command writes: plain text (JSON) and Spectre renderings on stdout, progress on stderr.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    // Redirected output (a pipe, a file, a test) has no width: wide enough that store keys are not wrapped.
    private const int RedirectedWidth = 200;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public TimeProvider Clock { get; } = TimeProvider.System;

    public IAnsiConsole CreateOutputConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) });
        if (!ReferenceEquals(Output, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>The progress display's console, or <see langword="null"/> when stderr is not a terminal (nobody to watch it).</summary>
    public IAnsiConsole? CreateProgressConsole() =>
        ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) })
            : null;
}

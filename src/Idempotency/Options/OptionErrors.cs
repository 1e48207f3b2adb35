namespace Idempotency;

/// <summary>Checks options outside dependency injection (a store or executor built by hand) with the same error list as start-up validation.</summary>
public static class OptionErrors
{
    /// <summary>Throws when <paramref name="errors"/> finds any problem, naming all of them.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="options">The options.</param>
    /// <param name="errors">Lists every problem of the options.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static void ThrowIfAny<TOptions>(TOptions options, Func<TOptions, IEnumerable<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var found = errors(options).ToList();
        if (found.Count > 0)
        {
            throw new ArgumentException($"Invalid {typeof(TOptions).Name}: " + string.Join(" ", found), nameof(options));
        }
    }
}

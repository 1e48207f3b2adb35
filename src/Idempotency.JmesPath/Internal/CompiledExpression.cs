using System.Collections.Concurrent;
using DevLab.JmesPath.Expressions;
using Newtonsoft.Json.Linq;
using JmesPathParser = DevLab.JmesPath.JmesPath;

namespace Idempotency.JmesPath;

/// <summary>
/// One JMESPath expression, parsed once up front (so a bad expression fails at construction) and evaluated safely from
/// any number of threads.
/// </summary>
/// <remarks>
/// A parsed JmesPath.Net expression is not safe to share between threads: its root node, <c>$</c> and <c>let</c>
/// bindings keep per-evaluation state on the parsed tree, and literal tokens are re-parented into results. So each
/// evaluation rents a parsed copy of its own from a small pool and returns it afterwards; a copy whose evaluation threw
/// is dropped rather than reused, since it may hold half-unwound state.
/// </remarks>
internal sealed class CompiledExpression
{
    private static readonly JmesPathParser Parser = CreateParser();
    private static readonly Lock ParserLock = new();
    private static readonly int MaxPooled = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly ConcurrentBag<JmesPathExpression> _pool = [];

    private CompiledExpression(string text, JmesPathExpression first)
    {
        Text = text;
        _pool.Add(first);
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="error">Why the expression does not parse, when it does not.</param>
    /// <returns>The expression, or <see langword="null"/> when it does not parse.</returns>
    public static CompiledExpression? TryCompile(string text, out string? error)
    {
        try
        {
            error = null;
            return new CompiledExpression(text, Parse(text));
        }
        catch (Exception ex)
        {
            // JmesPath.Net reports syntax, unknown functions and wrong arity as plain exceptions.
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Evaluates the expression on <paramref name="document"/>.</summary>
    /// <exception cref="InvalidPayloadException">A string passed to one of our functions is not what it should be.</exception>
    /// <exception cref="Exception">JmesPath.Net could not evaluate it (for example a function given the wrong type).</exception>
    public JToken Evaluate(JToken document)
    {
        if (!_pool.TryTake(out var expression))
        {
            expression = Parse(Text);
        }

        var result = expression.Transform(document).AsJToken();
        if (_pool.Count < MaxPooled)
        {
            _pool.Add(expression);
        }

        return result;
    }

    private static JmesPathExpression Parse(string text)
    {
        // Parsing is rare (once per pooled copy); the lock keeps it clear of any state the generated parser shares.
        lock (ParserLock)
        {
            return Parser.Parse(text);
        }
    }

    private static JmesPathParser CreateParser()
    {
        var parser = new JmesPathParser();
        parser.FunctionRepository
            .Register(FromJsonFunction.FunctionName, new FromJsonFunction())
            .Register(FromBase64Function.FunctionName, new FromBase64Function());
        return parser;
    }
}

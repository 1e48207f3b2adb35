using System.CommandLine;

namespace Idempotency.Cli.Commands;

/// <summary>Names one record: --operation, --key and --scope (the tool computes the store key), or --store-key.</summary>
internal sealed class KeyOptionSet
{
    private readonly Option<string?> _operation = new("--operation") { Description = "The operation name (with --key)." };

    private readonly Option<string?> _key = new("--key") { Description = "The raw idempotency key, as the caller sent it." };

    private readonly Option<string?> _scope = new("--scope") { Description = "The scope (tenant, principal) the key was used in, if any (with --key)." };

    private readonly Option<string?> _storeKey = new("--store-key") { Description = "The store key itself (as list prints it), instead of --operation/--key/--scope." };

    public void AddTo(Command command)
    {
        command.Options.Add(_operation);
        command.Options.Add(_key);
        command.Options.Add(_scope);
        command.Options.Add(_storeKey);
        command.Validators.Add(result =>
        {
            var hasKey = result.GetResult(_key) is not null;
            var hasStoreKey = result.GetResult(_storeKey) is not null;
            if (hasKey == hasStoreKey)
            {
                result.AddError("give exactly one of --key and --store-key.");
            }
            else if (hasKey && result.GetResult(_operation) is null)
            {
                result.AddError("--key needs --operation.");
            }
            else if (hasStoreKey && result.GetResult(_storeKey)!.Tokens is not [{ Value.Length: > 0 }])
            {
                result.AddError("--store-key must not be empty.");
            }
            else if (hasStoreKey && (result.GetResult(_operation) is not null || result.GetResult(_scope) is not null))
            {
                result.AddError("--store-key names the record by itself: leave out --operation and --scope.");
            }
        });
    }

    /// <summary>The store key the options name.</summary>
    public string Resolve(ParseResult parseResult, IIdempotencyAdministrator administrator) =>
        parseResult.GetValue(_storeKey) is { Length: > 0 } storeKey
            ? storeKey
            : administrator.GetStoreKey(parseResult.GetValue(_operation)!, parseResult.GetValue(_key) ?? string.Empty, parseResult.GetValue(_scope));
}

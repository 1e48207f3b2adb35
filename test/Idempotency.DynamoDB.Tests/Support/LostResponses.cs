using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Idempotency.DynamoDB.Tests;

/// <summary>
/// Sits under the SDK's HTTP client and loses answers on demand: the request reaches dynalite and takes effect, then the
/// caller sees a dropped connection instead of the response — what a network cut after the server's write looks like.
/// The SDK retries such a failure, so its second attempt meets the state its first attempt left.
/// </summary>
internal sealed class LostResponses : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _toLose = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);

    public LostResponses()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Loses the answer of the next <paramref name="count"/> requests of an operation (<c>UpdateItem</c>, <c>GetItem</c>…).</summary>
    public void LoseNext(string operation, int count = 1) => _toLose[operation] = count;

    /// <summary>How many requests of an operation reached the server.</summary>
    public int Sent(string operation) => _sent.GetValueOrDefault(operation);

    /// <summary>A client whose requests go through this handler, retrying once like the fixture's.</summary>
    public AmazonDynamoDBClient CreateClient(string serviceUrl) => DynaliteFixture.CreateClient(serviceUrl, new Factory(this));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // "DynamoDB_20120810.UpdateItem" names the operation.
        var operation = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.Single().Split('.')[^1] : string.Empty;
        var response = await base.SendAsync(request, cancellationToken);
        _sent.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (_toLose.TryGetValue(operation, out var left) && left > 0 && _toLose.TryUpdate(operation, left - 1, left))
        {
            response.Dispose();
            throw new HttpRequestException($"Test: the answer to {operation} was lost after the server handled it.");
        }

        return response;
    }

    private sealed class Factory(LostResponses handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}

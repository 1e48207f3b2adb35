using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Idempotency.TestServers;

/// <summary>Asks a Redis server for PONG over a raw socket (this project does not reference a Redis client).</summary>
internal static class RedisPing
{
    public static async Task<bool> IsReadyAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);

            // "+PONG" when ready; "-LOADING ..." while the server is still starting.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}

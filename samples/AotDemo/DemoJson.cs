using System.Text.Json;
using System.Text.Json.Serialization;

namespace AotDemo;

#region snippet: decorators-aot-json
// Every type the decorators write (arguments, for the fingerprint) or store (results, for replays): source-generated
// metadata, so neither needs reflection.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(bool))]
internal sealed partial class DemoJson : JsonSerializerContext;
#endregion

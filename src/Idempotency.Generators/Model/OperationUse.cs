namespace Idempotency.Generators.Model;

/// <summary>An <c>[Idempotent]</c> method and the operation it stores its records under, for the check across interfaces.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="MethodId">The method's documentation id (unique in the compilation: namespace, types, parameters).</param>
/// <param name="Display">How messages name the method.</param>
/// <param name="QualifiedDisplay">The same with its namespace, for two methods whose displays are equal.</param>
/// <param name="Location">Where the method is declared, when in source.</param>
internal sealed record OperationUse(string Operation, string MethodId, string Display, string QualifiedDisplay, LocationInfo? Location);

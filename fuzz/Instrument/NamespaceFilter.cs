using Mono.Cecil;

namespace PmuConformance.Fuzz.Instrument;

/// <summary>
/// Chooses types by namespace prefix. A prefix matches the namespace itself and every namespace
/// below it ("A.B" matches "A.B" and "A.B.C", not "A.BC"). Nested types (lambdas, iterators,
/// async state machines) follow their outermost declaring type.
/// </summary>
internal sealed class NamespaceFilter(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
{
    public static NamespaceFilter All { get; } = new([], []);

    public bool Includes(TypeDefinition type)
    {
        TypeDefinition outer = type;
        while (outer.DeclaringType is { } declaring)
        {
            outer = declaring;
        }

        if (outer.Name == "<Module>")
        {
            return false;
        }

        string ns = outer.Namespace;
        bool included = include.Count == 0 || include.Any(prefix => Matches(ns, prefix));
        return included && !exclude.Any(prefix => Matches(ns, prefix));
    }

    private static bool Matches(string ns, string prefix) =>
        ns.Equals(prefix, StringComparison.Ordinal)
        || (ns.StartsWith(prefix, StringComparison.Ordinal) && ns.Length > prefix.Length && ns[prefix.Length] == '.');
}

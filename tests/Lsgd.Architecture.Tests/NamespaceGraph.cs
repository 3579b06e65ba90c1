using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Lsgd.Architecture.Tests;

/// <summary>
/// Which namespaces of an assembly use which, as NetArchTest sees the IL (signatures, bodies, attributes,
/// nested and compiler-generated types included): an arrow A → B when some type of A depends on a type of B.
/// </summary>
internal sealed class NamespaceGraph
{
    private NamespaceGraph(IReadOnlyList<string> namespaces, IReadOnlyDictionary<(string From, string To), IReadOnlyList<string>> arrows)
    {
        Namespaces = namespaces;
        Arrows = arrows;
    }

    /// <summary>Every namespace that declares a type (the global one excluded).</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>Each arrow with the full names of the types of its tail that cause it.</summary>
    public IReadOnlyDictionary<(string From, string To), IReadOnlyList<string>> Arrows { get; }

    /// <summary>The namespace's own top-level types, as full names NetArchTest matches dependencies against.</summary>
    public static string[] TypesOf(Assembly assembly, string ns) =>
        [.. TopLevelTypes(assembly).Where(t => t.Namespace == ns).Select(t => t.FullName!)];

    /// <summary>Types that reside exactly in <paramref name="ns"/> (not in namespaces below it).</summary>
    public static PredicateList InNamespace(Assembly assembly, string ns) =>
        Read(assembly).That().ResideInNamespaceMatching("^" + Regex.Escape(ns) + "$");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, Types> Cache = new();

    /// <summary>The assembly as NetArchTest reads it, once (a <see cref="Types"/> list is not changed by queries).</summary>
    public static Types Read(Assembly assembly) => Cache.GetOrAdd(assembly, a => Types.InAssembly(a));

    public static NamespaceGraph Of(Assembly assembly)
    {
        var namespaces = TopLevelTypes(assembly).Select(t => t.Namespace).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        var types = namespaces.ToDictionary(ns => ns, ns => TypesOf(assembly, ns));
        var arrows = new Dictionary<(string, string), IReadOnlyList<string>>();
        foreach (var from in namespaces)
        {
            foreach (var to in namespaces)
            {
                if (from == to) continue;
                var users = InNamespace(assembly, from).And().HaveDependencyOnAny(types[to]).GetTypes()
                    .Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
                if (users.Length > 0) arrows[(from, to)] = users;
            }
        }
        return new NamespaceGraph(namespaces, arrows);
    }

    /// <summary>Strongly connected components with more than one namespace (Tarjan): each is a cycle.</summary>
    public IReadOnlyList<string[]> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<string[]>();
        int counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Namespaces.Where(w => Arrows.ContainsKey((v, w))))
            {
                if (!index.TryGetValue(w, out int wIndex)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], wIndex);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add([.. component.Order(StringComparer.Ordinal)]);
        }
        foreach (var v in Namespaces)
            if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    private static IEnumerable<Type> TopLevelTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => !t.IsNested && !string.IsNullOrEmpty(t.Namespace) && !t.Name.StartsWith('<'));
}

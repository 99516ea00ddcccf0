using System;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>
/// Walks an object graph through its fields (EnumGen's <c>AssertObjectGraph</c>) and lists the paths to any Roslyn
/// object that would keep a compilation alive or break the incremental cache.
/// </summary>
internal static class ObjectGraph
{
    private static readonly Type[] s_forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location),
    };

    public static IReadOnlyList<string> FindRoslynObjects(object? root, string rootName = "root")
    {
        var found = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, rootName, visited, found, depth: 0);
        return found;
    }

    private static void Visit(object? value, string path, HashSet<object> visited, List<string> found, int depth)
    {
        if (value is null)
        {
            return;
        }
        Type type = value.GetType();
        foreach (Type forbidden in s_forbidden)
        {
            if (forbidden.IsAssignableFrom(type))
            {
                found.Add($"{path}: {forbidden.Name} ({type.FullName})");
                return;
            }
        }
        if (type.IsPrimitive || type.IsEnum || value is string or decimal or Type or MemberInfo or Pointer)
        {
            return;
        }
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }
        if (depth > 200)
        {
            found.Add($"{path}: object graph deeper than 200 levels");
            return;
        }
        if (value is Delegate del)
        {
            Visit(del.Target, path + ".<Target>", visited, found, depth + 1);
            return;
        }
        if (value is Array array)
        {
            int i = 0;
            foreach (object? element in array)
            {
                Visit(element, $"{path}[{i++}]", visited, found, depth + 1);
            }
            return;
        }
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsByRefLike || field.FieldType.IsPointer)
                {
                    continue;
                }
                Visit(field.GetValue(value), $"{path}.{field.Name}", visited, found, depth + 1);
            }
        }
    }
}

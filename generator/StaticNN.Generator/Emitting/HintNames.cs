using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting;

/// <summary>File names of generated sources: <c>{Namespace}.{Containing}.{Type}[.{Concern}].g.cs</c>.</summary>
internal static class HintNames
{
    public static string For(TypeHierarchySpec type, string? concern = null)
    {
        var name = new System.Text.StringBuilder();
        if (type.Namespace.Length > 0)
        {
            name.Append(type.Namespace).Append('.');
        }
        foreach (TypeDeclarationSpec container in type.ContainingTypes)
        {
            name.Append(container.Name).Append('.');
        }
        name.Append(type.Type.Name);
        if (concern is not null)
        {
            name.Append('.').Append(concern);
        }
        // '@' (escaped keywords) is not allowed in hint names.
        return name.Append(".g.cs").Replace("@", "").ToString();
    }
}

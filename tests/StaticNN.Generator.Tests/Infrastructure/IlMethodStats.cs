using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>Size of one compiled method body: IL bytes, instructions, and call sites (<c>call</c>, <c>callvirt</c>).</summary>
internal sealed record IlMethodStats(string Name, int IlBytes, int Instructions, int Calls)
{
    private static readonly Dictionary<ushort, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value));

    public override string ToString() => $"{Name}: {IlBytes} IL bytes, {Instructions} instructions, {Calls} calls";

    /// <summary>Emits <paramref name="compilation"/> and measures every method that has a body.</summary>
    public static IReadOnlyList<IlMethodStats> Measure(Compilation compilation)
    {
        using var stream = new MemoryStream();
        EmitResult result = compilation.Emit(stream);
        result.Success.ShouldBeTrue(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        var stats = new List<IlMethodStats>();
        foreach (MethodDefinitionHandle handle in metadata.MethodDefinitions)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }
            byte[] il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes() ?? Array.Empty<byte>();
            (int instructions, int calls) = Decode(il);
            stats.Add(new IlMethodStats($"{TypeName(metadata, method.GetDeclaringType())}.{metadata.GetString(method.Name)}", il.Length, instructions, calls));
        }
        return stats;
    }

    /// <summary>Walks the IL stream opcode by opcode, using the operand sizes of <see cref="OpCodes"/>.</summary>
    internal static (int Instructions, int Calls) Decode(ReadOnlySpan<byte> il)
    {
        int instructions = 0, calls = 0, offset = 0;
        while (offset < il.Length)
        {
            ushort value = il[offset] == 0xFE ? (ushort)(0xFE00 | il[offset + 1]) : il[offset];
            offset += value > 0xFF ? 2 : 1;
            OpCode opCode = s_opCodes.TryGetValue(value, out OpCode known) ? known : throw new InvalidDataException($"unknown opcode 0x{value:X} at {offset}");
            instructions++;
            if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt)
            {
                calls++;
            }
            offset += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il.Slice(offset, 4)),
                _ => 4,
            };
        }
        offset.ShouldBe(il.Length, "IL decoding ran past the end of the body");
        return (instructions, calls);
    }

    private static string TypeName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        TypeDefinition type = metadata.GetTypeDefinition(handle);
        string name = metadata.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        return outer.IsNil ? name : TypeName(metadata, outer) + "." + name;
    }
}

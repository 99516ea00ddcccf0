using System;
using System.Linq;
using System.Reflection;
using StaticNN.Generator.Model;
using StaticNN.Generator.Parsing;

namespace StaticNN.Generator.Tests.Parsing;

/// <summary>
/// The generator cannot reference the runtime, so it matches attributes by name and mirrors the runtime enums; these tests
/// keep both in step with the runtime types.
/// </summary>
public sealed class KnownTypeNamesTests
{
    [Fact]
    public void AttributeNameConstants_EqualRuntimeTypeFullNames()
    {
        KnownTypeNames.NetworkAttribute.ShouldBe(typeof(NetworkAttribute).FullName);
        KnownTypeNames.InputAttribute.ShouldBe(typeof(InputAttribute).FullName);
        KnownTypeNames.DenseAttribute.ShouldBe(typeof(DenseAttribute).FullName);
        KnownTypeNames.DropoutAttribute.ShouldBe(typeof(DropoutAttribute).FullName);
        KnownTypeNames.BatchNormAttribute.ShouldBe(typeof(BatchNormAttribute).FullName);
        KnownTypeNames.LayerNormAttribute.ShouldBe(typeof(LayerNormAttribute).FullName);
        KnownTypeNames.ActivationAttribute.ShouldBe(typeof(ActivationAttribute).FullName);
        KnownTypeNames.ResidualBeginAttribute.ShouldBe(typeof(ResidualBeginAttribute).FullName);
        KnownTypeNames.ResidualEndAttribute.ShouldBe(typeof(ResidualEndAttribute).FullName);
        KnownTypeNames.Conv2DAttribute.ShouldBe(typeof(Conv2DAttribute).FullName);
        KnownTypeNames.Conv1DAttribute.ShouldBe(typeof(Conv1DAttribute).FullName);
        KnownTypeNames.MaxPool2DAttribute.ShouldBe(typeof(MaxPool2DAttribute).FullName);
        KnownTypeNames.AvgPool2DAttribute.ShouldBe(typeof(AvgPool2DAttribute).FullName);
        KnownTypeNames.MaxPool1DAttribute.ShouldBe(typeof(MaxPool1DAttribute).FullName);
        KnownTypeNames.AvgPool1DAttribute.ShouldBe(typeof(AvgPool1DAttribute).FullName);
        KnownTypeNames.GlobalAveragePool2DAttribute.ShouldBe(typeof(GlobalAveragePool2DAttribute).FullName);
        KnownTypeNames.GlobalAveragePool1DAttribute.ShouldBe(typeof(GlobalAveragePool1DAttribute).FullName);
        KnownTypeNames.FlattenAttribute.ShouldBe(typeof(FlattenAttribute).FullName);
    }

    [Fact]
    public void EveryKnownTypeNameConstant_NamesARuntimeType()
    {
        string[] constants = typeof(KnownTypeNames).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

        constants.ShouldNotBeEmpty();
        constants.Where(name => typeof(NetworkAttribute).Assembly.GetType(name) is null).ShouldBeEmpty();
    }

    [Fact]
    public void EveryRuntimeAttribute_HasKnownTypeNameConstant()
    {
        string[] constants = typeof(KnownTypeNames).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!).ToArray();

        typeof(NetworkAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(Attribute)) && t.Namespace == "StaticNN")
            .Select(t => t.FullName!)
            .Where(name => !constants.Contains(name))
            .ShouldBeEmpty();
    }

    [Theory]
    [InlineData(typeof(ActivationKind), typeof(Activation))]
    [InlineData(typeof(LossKind), typeof(Loss))]
    [InlineData(typeof(Model.LayerKind), typeof(StaticNN.LayerKind))]
    [InlineData(typeof(PaddingKind), typeof(Padding))]
    public void MirrorEnum_HasSameNamesAndValuesAsRuntimeEnum(Type mirror, Type runtime)
    {
        static string[] Members(Type type) => Enum.GetNames(type)
            .Select(name => $"{name}={Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture)}")
            .ToArray();

        Members(mirror).ShouldBe(Members(runtime));
        Enum.GetUnderlyingType(mirror).ShouldBe(Enum.GetUnderlyingType(runtime));
    }
}

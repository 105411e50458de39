using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Selectors.ApiDocs;

/// <summary>Types and members written the way C# code writes them, for headings and signatures.</summary>
internal static class CSharpNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int",
        [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(double)] = "double",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    private static readonly NullabilityInfoContext Nullability = new();

    internal static string Of(Type type) => Of(type, null);

    internal static string Of(Type type, NullabilityInfo? nullability)
    {
        string suffix = nullability is { ReadState: NullabilityState.Nullable } && !type.IsValueType ? "?" : string.Empty;
        if (type.IsByRef)
        {
            return Of(type.GetElementType()!);
        }

        if (Keywords.TryGetValue(type, out string? keyword))
        {
            return keyword + suffix;
        }

        if (type.IsArray)
        {
            return Of(type.GetElementType()!, nullability?.ElementType) + "[]" + suffix;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Of(underlying) + "?";
        }

        if (type.IsGenericType)
        {
            Type[] arguments = type.GetGenericArguments();
            NullabilityInfo[] argumentNullability = nullability?.GenericTypeArguments ?? Array.Empty<NullabilityInfo>();
            string[] names = arguments.Select((t, i) => Of(t, i < argumentNullability.Length ? argumentNullability[i] : null)).ToArray();
            if (type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true || type.Name.StartsWith("ValueTuple`", StringComparison.Ordinal))
            {
                return "(" + string.Join(", ", names) + ")" + suffix;
            }

            int tick = type.Name.IndexOf('`');
            if (tick < 0)
            {
                // A non-generic type nested in a generic one, e.g. Dictionary<int, SelectorKey>.Enumerator.
                return $"{Of(type.DeclaringType!.MakeGenericType(arguments))}.{type.Name}{suffix}";
            }

            return $"{type.Name[..tick]}<{string.Join(", ", names)}>{suffix}";
        }

        return type.Name + suffix;
    }

    internal static string Signature(MemberInfo member) => member switch
    {
        ConstructorInfo ctor => $"{ctor.DeclaringType!.Name}({Parameters(ctor)})",
        MethodInfo method => $"{(method.IsStatic ? "static " : string.Empty)}{Of(method.ReturnType, Nullability.Create(method.ReturnParameter))} {method.Name}({Parameters(method)})",
        PropertyInfo property => property.GetIndexParameters().Length > 0
            ? $"{Of(property.PropertyType, Nullability.Create(property))} this[{string.Join(", ", property.GetIndexParameters().Select(Parameter))}] {{ get; }}"
            : $"{(property.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Of(property.PropertyType, Nullability.Create(property))} {property.Name} {{ {Accessors(property)} }}",
        FieldInfo field when field.DeclaringType!.IsEnum => $"{field.Name} = {Convert.ToUInt64(field.GetRawConstantValue()) switch { var v when v > 0xFFFF => $"0x{v:X}", var v => v.ToString() }}",
        FieldInfo field => $"{(field.IsLiteral ? "const " : field.IsStatic ? "static readonly " : string.Empty)}{Of(field.FieldType, Nullability.Create(field))} {field.Name}",
        EventInfo @event => $"event {Of(@event.EventHandlerType!)} {@event.Name}",
        _ => member.Name,
    };

    private static string Accessors(PropertyInfo property) => property.SetMethod is { IsPublic: true } setter
        ? setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "get; init;" : "get; set;"
        : "get;";

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(Parameter));

    private static string Parameter(ParameterInfo parameter)
    {
        string modifier = parameter.ParameterType.IsByRef ? (parameter.IsOut ? "out " : "ref ") : string.Empty;
        string text = $"{modifier}{Of(parameter.ParameterType, Nullability.Create(parameter))} {parameter.Name}";
        return parameter.HasDefaultValue ? text + " = " + (parameter.DefaultValue switch { null => "null", string s => $"\"{s}\"", bool b => b ? "true" : "false", var v => v.ToString() }) : text;
    }
}

using System;
using System.Linq;
using System.Reflection;

namespace Selectors.ApiDocs;

/// <summary>The C# compiler's documentation IDs (<c>T:</c>, <c>M:</c>, <c>P:</c>, <c>F:</c>, <c>E:</c>) of reflected members.</summary>
internal static class DocIds
{
    internal static string Of(Type type) => "T:" + TypeName(type);

    internal static string Of(MemberInfo member) => member switch
    {
        Type type => Of(type),
        ConstructorInfo ctor => $"M:{TypeName(ctor.DeclaringType!)}.#ctor{Parameters(ctor)}",
        MethodInfo method => $"M:{TypeName(method.DeclaringType!)}.{method.Name}"
            + (method.IsGenericMethod ? $"``{method.GetGenericArguments().Length}" : string.Empty)
            + Parameters(method)
            + (method.Name is "op_Implicit" or "op_Explicit" ? "~" + ParameterType(method.ReturnType) : string.Empty),
        PropertyInfo property => $"P:{TypeName(property.DeclaringType!)}.{property.Name}"
            + (property.GetIndexParameters().Length > 0 ? "(" + string.Join(",", property.GetIndexParameters().Select(p => ParameterType(p.ParameterType))) + ")" : string.Empty),
        FieldInfo field => $"F:{TypeName(field.DeclaringType!)}.{field.Name}",
        EventInfo @event => $"E:{TypeName(@event.DeclaringType!)}.{@event.Name}",
        _ => throw new ArgumentException($"No documentation ID for {member}."),
    };

    private static string Parameters(MethodBase method)
    {
        ParameterInfo[] parameters = method.GetParameters();
        return parameters.Length == 0 ? string.Empty : "(" + string.Join(",", parameters.Select(p => ParameterType(p.ParameterType))) + ")";
    }

    /// <summary>A type as it appears in a parameter list: generic arguments in braces, by-ref as @, type parameters as `n / ``n.</summary>
    private static string ParameterType(Type type)
    {
        if (type.IsByRef)
        {
            return ParameterType(type.GetElementType()!) + "@";
        }

        if (type.IsPointer)
        {
            return ParameterType(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            return ParameterType(type.GetElementType()!) + (type.GetArrayRank() == 1 ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]");
        }

        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        }

        if (type.IsGenericType)
        {
            string name = TypeName(type.GetGenericTypeDefinition());
            name = name[..name.LastIndexOf('`')];
            return name + "{" + string.Join(",", type.GetGenericArguments().Select(ParameterType)) + "}";
        }

        return TypeName(type);
    }

    /// <summary>The full name with nested types joined by dots.</summary>
    private static string TypeName(Type type) =>
        type.IsNested ? TypeName(type.DeclaringType!) + "." + type.Name : (type.Namespace is null ? type.Name : type.Namespace + "." + type.Name);
}

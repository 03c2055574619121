using System.Linq.Expressions;
using System.Text;

namespace KanikoBuild.Engine.Execution;

/// <summary>
/// Renders a condition or requirement lambda as close to its source as the expression tree allows
/// (<c>() => !IsLocalBuild &amp;&amp; Image != null</c> → <c>!IsLocalBuild &amp;&amp; Image != null</c>), for summaries and errors.
/// </summary>
internal static class ExpressionText
{
    public static string Render(LambdaExpression lambda) => Render(lambda.Body);

    /// <summary>The member a requirement names (<c>() => ConsoleUrl</c>, <c>() => Console.Url</c>), or null when it is not a member access.</summary>
    public static System.Reflection.MemberInfo? Member(LambdaExpression lambda) =>
        StripConvert(lambda.Body) is MemberExpression member ? member.Member : null;

    static Expression StripConvert(Expression e) =>
        e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u ? StripConvert(u.Operand) : e;

    static string Render(Expression e)
    {
        switch (e)
        {
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Quote } u:
                return Render(u.Operand);
            case UnaryExpression { NodeType: ExpressionType.Not } u:
                return "!" + Wrap(u.Operand);
            case BinaryExpression b:
                return $"{Wrap(b.Left)} {Operator(b.NodeType)} {Wrap(b.Right)}";
            case MemberExpression m when m.Expression is null or ConstantExpression or ParameterExpression:
                return m.Member.Name;
            case MemberExpression m:
                return $"{Render(m.Expression!)}.{m.Member.Name}";
            case ConstantExpression c:
                return c.Value switch
                {
                    null => "null",
                    string s => $"\"{s}\"",
                    bool v => v ? "true" : "false",
                    _ => c.Value.ToString() ?? "null",
                };
            case MethodCallExpression call:
            {
                var text = new StringBuilder();
                var arguments = call.Arguments.AsEnumerable();
                if (call.Object is { } instance && instance is not ConstantExpression)
                    text.Append(Render(instance)).Append('.');
                else if (call.Object is null && call.Method.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), false) && call.Arguments.Count > 0)
                {
                    text.Append(Render(call.Arguments[0])).Append('.');
                    arguments = arguments.Skip(1);
                }
                text.Append(call.Method.Name).Append('(').Append(string.Join(", ", arguments.Select(Render))).Append(')');
                return text.ToString();
            }
            case ConditionalExpression c:
                return $"{Wrap(c.Test)} ? {Wrap(c.IfTrue)} : {Wrap(c.IfFalse)}";
            default:
                return e.ToString();
        }
    }

    static string Wrap(Expression e) => StripConvert(e) is BinaryExpression or ConditionalExpression ? $"({Render(e)})" : Render(e);

    static string Operator(ExpressionType type) => type switch
    {
        ExpressionType.AndAlso => "&&",
        ExpressionType.OrElse => "||",
        ExpressionType.Equal => "==",
        ExpressionType.NotEqual => "!=",
        ExpressionType.GreaterThan => ">",
        ExpressionType.GreaterThanOrEqual => ">=",
        ExpressionType.LessThan => "<",
        ExpressionType.LessThanOrEqual => "<=",
        ExpressionType.Add => "+",
        ExpressionType.Subtract => "-",
        ExpressionType.Coalesce => "??",
        ExpressionType.And => "&",
        ExpressionType.Or => "|",
        _ => type.ToString(),
    };
}

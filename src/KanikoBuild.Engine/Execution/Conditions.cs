using System.Linq.Expressions;

namespace KanikoBuild.Engine.Execution;

internal static class Conditions
{
    /// <summary>The text of the first condition that is false, or null when all hold.</summary>
    public static string? FirstFalse(ExecutableTarget target, IEnumerable<Expression<Func<bool>>> conditions)
    {
        foreach (var condition in conditions)
        {
            if (!Evaluate(target, condition))
                return ExpressionText.Render(condition);
        }
        return null;
    }

    public static bool Evaluate(ExecutableTarget target, Expression<Func<bool>> condition) => (bool)Evaluate(target, (LambdaExpression)condition)!;

    public static object? Evaluate(ExecutableTarget target, LambdaExpression expression)
    {
        try
        {
            // Interpreted: these run once, and compiling to IL costs more than it saves.
            return expression.Compile(preferInterpretation: true).DynamicInvoke();
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PipelineException($"Target '{target.Name}': evaluating '{ExpressionText.Render(expression)}' failed: {e.InnerException.Message}", e.InnerException);
        }
    }
}

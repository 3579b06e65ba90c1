namespace Lsgd.Curves;

/// <summary>The operations an expression is made of; also the instruction set of <see cref="ExpressionProgram"/>.</summary>
internal enum Operation : byte
{
    Constant, Variable, Parameter, Negate,
    Add, Subtract, Multiply, Divide, Power,
    Exp, Log, Sqrt, Sin, Cos, Tanh, Abs,
    Atan, Asin, Acos, Sinh, Cosh, Erf, Log10, Tan, Atan2,
}

/// <summary>A node of a parsed expression: the syntax tree <see cref="ExpressionParser"/> builds.</summary>
internal abstract record ExpressionNode;

/// <summary>A number, or a named constant (pi, e) already replaced by its value.</summary>
internal sealed record NumberNode(double Value) : ExpressionNode;

/// <summary>An independent variable: x, or the <paramref name="Index"/>-th of the variables named at parsing.</summary>
internal sealed record VariableNode(int Index) : ExpressionNode;

/// <summary>A parameter, numbered in order of first appearance in the text.</summary>
internal sealed record ParameterNode(string Name, int Index) : ExpressionNode;

/// <summary>A unary operation or a function of one argument (−a, exp(a), …).</summary>
internal sealed record UnaryNode(Operation Operation, ExpressionNode Operand) : ExpressionNode;

/// <summary>A binary operation (a + b, …, a ^ b, pow(a, b)).</summary>
internal sealed record BinaryNode(Operation Operation, ExpressionNode Left, ExpressionNode Right) : ExpressionNode;

/// <summary>The scalar meaning of each operation, shared by constant folding and evaluation.</summary>
internal static class Operations
{
    public static double Apply(Operation operation, double a) => operation switch
    {
        Operation.Negate => -a,
        Operation.Exp => Math.Exp(a),
        Operation.Log => Math.Log(a),
        Operation.Sqrt => Math.Sqrt(a),
        Operation.Sin => Math.Sin(a),
        Operation.Cos => Math.Cos(a),
        Operation.Tanh => Math.Tanh(a),
        Operation.Abs => Math.Abs(a),
        Operation.Atan => Math.Atan(a),
        Operation.Asin => Math.Asin(a),
        Operation.Acos => Math.Acos(a),
        Operation.Sinh => Math.Sinh(a),
        Operation.Cosh => Math.Cosh(a),
        Operation.Erf => Internals.SpecialFunctions.Erf(a),
        Operation.Log10 => Math.Log10(a),
        Operation.Tan => Math.Tan(a),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    public static double Apply(Operation operation, double a, double b) => operation switch
    {
        Operation.Add => a + b,
        Operation.Subtract => a - b,
        Operation.Multiply => a * b,
        Operation.Divide => a / b,
        Operation.Power => Math.Pow(a, b),
        Operation.Atan2 => Math.Atan2(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>d op(a)/da given a and the value v = op(a).</summary>
    public static double Derivative(Operation operation, double a, double v) => operation switch
    {
        Operation.Negate => -1,
        Operation.Exp => v,
        Operation.Log => 1 / a,
        Operation.Sqrt => 0.5 / v,
        Operation.Sin => Math.Cos(a),
        Operation.Cos => -Math.Sin(a),
        Operation.Tanh => 1 - v * v,
        Operation.Abs => a > 0 ? 1 : a < 0 ? -1 : a == 0 ? 0 : double.NaN,   // Math.Sign throws on NaN
        Operation.Atan => 1 / (1 + a * a),
        Operation.Asin => 1 / Math.Sqrt((1 - a) * (1 + a)),
        Operation.Acos => -1 / Math.Sqrt((1 - a) * (1 + a)),
        Operation.Sinh => Math.Cosh(a),
        Operation.Cosh => Math.Sinh(a),
        Operation.Erf => 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a),
        Operation.Log10 => 1 / (a * Math.Log(10)),
        Operation.Tan => 1 + v * v,
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };
}

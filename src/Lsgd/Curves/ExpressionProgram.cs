using System.Numerics.Tensors;

namespace Lsgd.Curves;

/// <summary>
/// A parsed expression compiled to postfix code, evaluated with forward-mode automatic differentiation: every
/// stack slot holds a value and, when it depends on the parameters, its gradient with respect to all of them
/// (a dual number over the parameter vector).
/// </summary>
/// <remarks>
/// Constant sub-expressions (no x, no parameter) are folded at compile time, and slots that do not depend on
/// the parameters carry no gradient, so <c>exp(-x^2/2)</c> costs no derivative work. The rules are the usual
/// ones: d(uv) = v du + u dv, d(u/v) = (du − (u/v) dv)/v, d(uᵛ) = v uᵛ⁻¹ du + uᵛ ln(u) dv, d f(u) = f′(u) du.
/// </remarks>
internal sealed class ExpressionProgram
{
    private readonly Instruction[] _code;

    private ExpressionProgram(Instruction[] code, int depth, int parameterCount, int variableCount)
    {
        _code = code;
        StackDepth = depth;
        ParameterCount = parameterCount;
        VariableCount = variableCount;
    }

    /// <summary>k, the number of variables: each point is k values.</summary>
    public int VariableCount { get; }

    /// <summary>Most values on the stack at once.</summary>
    public int StackDepth { get; }

    /// <summary>p, the length of the parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>Whether the result depends on the parameters at all.</summary>
    public bool DependsOnParameters => _code[^1].Varies;

    /// <summary>Compiles <paramref name="root"/> for <paramref name="parameterCount"/> parameters and <paramref name="variableCount"/> variables.</summary>
    public static ExpressionProgram Compile(ExpressionNode root, int parameterCount, int variableCount = 1)
    {
        var code = new List<Instruction>();
        int depth = 0, maxDepth = 0;
        void Push() => maxDepth = Math.Max(maxDepth, ++depth);
        bool Emit(ExpressionNode node)
        {
            switch (node)
            {
                case NumberNode n:
                    code.Add(new Instruction(Operation.Constant, n.Value, 0, false, false, false));
                    Push();
                    return false;
                case VariableNode v:
                    code.Add(new Instruction(Operation.Variable, 0, v.Index, false, false, false));
                    Push();
                    return false;
                case ParameterNode p:
                    code.Add(new Instruction(Operation.Parameter, 0, p.Index, true, false, false));
                    Push();
                    return true;
                case UnaryNode u:
                    bool operand = Emit(u.Operand);
                    code.Add(new Instruction(u.Operation, 0, 0, operand, operand, false));
                    return operand;
                case BinaryNode b:
                    bool left = Emit(b.Left);
                    bool right = Emit(b.Right);
                    code.Add(new Instruction(b.Operation, 0, 0, left || right, left, right));
                    depth--;
                    return left || right;
                default:
                    throw new ArgumentOutOfRangeException(nameof(node));
            }
        }
        Emit(Fold(root));
        return new ExpressionProgram([.. code], maxDepth, parameterCount, variableCount);
    }

    /// <summary>Replaces every sub-expression without x or parameters by its value.</summary>
    private static ExpressionNode Fold(ExpressionNode node)
    {
        switch (node)
        {
            case UnaryNode u:
                var operand = Fold(u.Operand);
                return operand is NumberNode n ? new NumberNode(Operations.Apply(u.Operation, n.Value)) : u with { Operand = operand };
            case BinaryNode b:
                var left = Fold(b.Left);
                var right = Fold(b.Right);
                return left is NumberNode l && right is NumberNode r
                    ? new NumberNode(Operations.Apply(b.Operation, l.Value, r.Value))
                    : b with { Left = left, Right = right };
            default:
                return node;
        }
    }

    /// <summary>f(x; θ) at the point x (its k variables).</summary>
    public double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters)
    {
        Span<double> stack = StackDepth <= 64 ? stackalloc double[StackDepth] : new double[StackDepth];
        return Value(x, parameters, stack);
    }

    private double Value(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> v)
    {
        int sp = 0;
        foreach (ref readonly var ins in _code.AsSpan())
        {
            switch (ins.Operation)
            {
                case Operation.Constant: v[sp++] = ins.Constant; break;
                case Operation.Variable: v[sp++] = x[ins.Index]; break;
                case Operation.Parameter: v[sp++] = parameters[ins.Index]; break;
                case Operation.Add or Operation.Subtract or Operation.Multiply or Operation.Divide or Operation.Power or Operation.Atan2:
                    sp--;
                    v[sp - 1] = Operations.Apply(ins.Operation, v[sp - 1], v[sp]);
                    break;
                default:
                    v[sp - 1] = Operations.Apply(ins.Operation, v[sp - 1]);
                    break;
            }
        }
        return v[0];
    }

    /// <summary>f(x; θ) at the point x, writing ∂f/∂θ into <paramref name="gradient"/> (length p).</summary>
    public double ValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int p = ParameterCount;
        Span<double> values = StackDepth <= 64 ? stackalloc double[StackDepth] : new double[StackDepth];
        int size = StackDepth * p;
        Span<double> gradients = size <= 512 ? stackalloc double[size] : new double[size];
        return ValueAndGradient(x, parameters, gradient, values, gradients);
    }

    /// <summary>
    /// Values (and, when <paramref name="jacobian"/> is not empty, the column-major n × p Jacobian) at every point:
    /// x holds n points of k variables, row-major.
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian)
    {
        int k = VariableCount, n = x.Length / k, p = ParameterCount;
        var stack = new double[StackDepth];
        if (jacobian.IsEmpty)
        {
            for (int i = 0; i < n; i++) values[i] = Value(x.Slice(i * k, k), parameters, stack);
            return;
        }
        var gradients = new double[Math.Max(StackDepth * p, 1)];
        Span<double> row = p <= 64 ? stackalloc double[p] : new double[p];
        for (int i = 0; i < n; i++)
        {
            values[i] = ValueAndGradient(x.Slice(i * k, k), parameters, row, stack, gradients);
            for (int j = 0; j < p; j++) jacobian[j * n + i] = row[j];
        }
    }

    private double ValueAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> gradient, Span<double> v, Span<double> g)
    {
        int p = ParameterCount;
        int sp = 0;
        foreach (ref readonly var ins in _code.AsSpan())
        {
            switch (ins.Operation)
            {
                case Operation.Constant: v[sp++] = ins.Constant; break;
                case Operation.Variable: v[sp++] = x[ins.Index]; break;
                case Operation.Parameter:
                    var unit = g.Slice(sp * p, p);
                    unit.Clear();
                    unit[ins.Index] = 1;
                    v[sp++] = parameters[ins.Index];
                    break;
                case Operation.Add or Operation.Subtract or Operation.Multiply or Operation.Divide or Operation.Power or Operation.Atan2:
                {
                    sp--;
                    int a = sp - 1;
                    double va = v[a], vb = v[sp];
                    double r = Operations.Apply(ins.Operation, va, vb);
                    if (ins.Varies)
                        Combine(ins, va, vb, r, g.Slice(a * p, p), g.Slice(sp * p, p));
                    v[a] = r;
                    break;
                }
                default:
                {
                    int a = sp - 1;
                    double va = v[a];
                    double r = Operations.Apply(ins.Operation, va);
                    if (ins.Varies)
                    {
                        var ga = g.Slice(a * p, p);
                        TensorPrimitives.Multiply(ga, Operations.Derivative(ins.Operation, va, r), ga);
                    }
                    v[a] = r;
                    break;
                }
            }
        }
        if (_code[^1].Varies)
            g[..p].CopyTo(gradient);
        else
            gradient[..p].Clear();
        return v[0];
    }

    /// <summary>ga ← (∂r/∂a)·ga + (∂r/∂b)·gb for r = a ∘ b, using only the sides that depend on θ.</summary>
    private static void Combine(in Instruction ins, double va, double vb, double r, Span<double> ga, ReadOnlySpan<double> gb)
    {
        bool left = ins.LeftVaries, right = ins.RightVaries;
        double da = 0, db = 0;
        switch (ins.Operation)
        {
            case Operation.Add: da = 1; db = 1; break;
            case Operation.Subtract: da = 1; db = -1; break;
            case Operation.Multiply: da = vb; db = va; break;
            case Operation.Divide: da = 1 / vb; db = -r / vb; break;
            case Operation.Power:
                if (left) da = vb == 0 ? 0 : vb * Math.Pow(va, vb - 1);
                if (right) db = r == 0 ? 0 : r * Math.Log(va);
                break;
            case Operation.Atan2:
                double h = va * va + vb * vb;
                da = vb / h;
                db = -va / h;
                break;
        }
        if (left && right)
        {
            TensorPrimitives.Multiply(ga, da, ga);
            TensorPrimitives.MultiplyAdd(gb, db, ga, ga);
        }
        else if (left)
        {
            TensorPrimitives.Multiply(ga, da, ga);
        }
        else
        {
            TensorPrimitives.Multiply(gb, db, ga);
        }
    }

    /// <summary>One postfix instruction; the flags say which operands carry a gradient.</summary>
    private readonly record struct Instruction(Operation Operation, double Constant, int Index, bool Varies, bool LeftVaries, bool RightVaries);
}

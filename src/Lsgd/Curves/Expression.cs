namespace Lsgd.Curves;

/// <summary>
/// A model typed as a formula, such as <c>a*exp(b*x)+c</c>: the variable is <c>x</c> (or the variables named at
/// parsing, such as <c>x1</c> and <c>x2</c> in <c>b1-b2*x1*exp(-b3*x2)</c>), every other name is a parameter, and the
/// gradient with respect to the parameters comes from automatic differentiation.
/// </summary>
/// <remarks>
/// <para>The language: numbers in the invariant culture (<c>1.5</c>, <c>.5</c>, <c>2e-3</c>); <c>+ - * /</c>;
/// <c>^</c> for powers, right-associative and above unary minus (<c>-x^2</c> is −(x²), <c>2^3^2</c> is 2⁹);
/// parentheses; the functions exp, log (natural), log10, sqrt, sin, cos, tan, tanh, sinh, cosh, asin, acos, atan,
/// atan2(y, x), erf, abs and pow(a, b); the constants <c>pi</c> and <c>e</c>. Names are case-sensitive, made of letters, digits and <c>_</c>, and may not start
/// with a digit. A product needs its <c>*</c>: <c>2x</c> is an error.</para>
/// <para>Parameters are numbered in order of first appearance: <c>a*exp(b*x)+c</c> has θ = (a, b, c).</para>
/// <para>Evaluation is forward-mode automatic differentiation: each intermediate value carries its gradient
/// with respect to every parameter, so the derivatives are exact to rounding (no finite differences).</para>
/// </remarks>
public sealed class Expression : ICurveModel
{
    private readonly ExpressionProgram _program;

    private readonly bool[] _used;

    private Expression(string text, IReadOnlyList<string> parameters, IReadOnlyList<string> variables, bool[] used, ExpressionProgram program)
    {
        Text = text;
        ParameterNames = parameters;
        VariableNames = variables;
        _used = used;
        _program = program;
    }

    /// <summary>The variable's name when none are given, <c>x</c>.</summary>
    public const string VariableName = ExpressionParser.VariableName;

    /// <summary>The functions the language knows.</summary>
    public static IReadOnlyList<string> FunctionNames { get; } = [.. ExpressionParser.Functions.Keys];

    /// <summary>The named constants: pi and e.</summary>
    public static IReadOnlyList<string> ConstantNames { get; } = [.. ExpressionParser.Constants.Keys];

    /// <summary>Parses <paramref name="text"/>, a model in the one variable x.</summary>
    /// <exception cref="ExpressionParseException">
    /// The text is not an expression; the message names what was expected, the 1-based column and what was found.
    /// </exception>
    public static Expression Parse(string text) => Parse(text, [VariableName]);

    /// <summary>
    /// Parses <paramref name="text"/>, a model in the <paramref name="variables"/> (e.g. <c>x1</c>, <c>x2</c>): each point
    /// is then that many values, in this order. Every other name, except the functions and constants, is a parameter.
    /// </summary>
    /// <param name="text">The formula.</param>
    /// <param name="variables">At least one name; none may repeat, be a function or a constant, or be anything but a name.</param>
    /// <exception cref="ExpressionParseException">The text is not an expression.</exception>
    /// <exception cref="ArgumentException">A variable name that cannot be one.</exception>
    public static Expression Parse(string text, IReadOnlyList<string> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Count == 0)
            throw new ArgumentException("Name at least one variable, e.g. x.", nameof(variables));
        for (int i = 0; i < variables.Count; i++)
        {
            string v = variables[i];
            if (string.IsNullOrEmpty(v) || !(char.IsLetter(v[0]) || v[0] == '_') || !v.All(c => char.IsLetterOrDigit(c) || c == '_'))
                throw new ArgumentException($"'{v}' cannot be a variable of an expression: a name is letters, digits and _, not starting with a digit.", nameof(variables));
            if (ExpressionParser.Functions.ContainsKey(v) || ExpressionParser.Constants.ContainsKey(v))
                throw new ArgumentException($"'{v}' cannot be a variable of an expression: it is the {(ExpressionParser.Constants.ContainsKey(v) ? "constant" : "function")} {v}.", nameof(variables));
            for (int j = 0; j < i; j++)
                if (variables[j] == v)
                    throw new ArgumentException($"The variable '{v}' is named twice.", nameof(variables));
        }
        var names = variables.ToArray();
        var (root, parameters, used) = ExpressionParser.Parse(text, names);
        return new Expression(text, parameters, names, used, ExpressionProgram.Compile(root, parameters.Count, names.Length));
    }

    /// <summary>The text as it was given.</summary>
    public string Text { get; }

    /// <inheritdoc />
    string ICurveModel.Formula => Text;

    /// <summary>The parameters (every name other than the variables, the constants and the functions), in order of first appearance.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The variables, in the order of a point's values: x unless others were named at parsing.</summary>
    public IReadOnlyList<string> VariableNames { get; }

    /// <summary>Whether a variable appears.</summary>
    public bool UsesVariable => _used.Contains(true);

    /// <summary>The variables that do not appear in the formula.</summary>
    public IReadOnlyList<string> UnusedVariables => [.. VariableNames.Where((_, i) => !_used[i])];

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters)
    {
        CheckParameters(parameters);
        CheckOneVariable();
        return _program.Value([x], parameters);
    }

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        CheckParameters(parameters);
        CheckOneVariable();
        if (gradient.Length < ParameterNames.Count)
            Internals.Throw.Length(nameof(gradient), gradient.Length, ParameterNames.Count, "one derivative per parameter");
        return _program.ValueAndGradient([x], parameters, gradient);
    }

    /// <summary>f at one point of <see cref="VariableNames"/>.Count values.</summary>
    /// <param name="point">The variables' values, in the order of <see cref="VariableNames"/>.</param>
    /// <param name="parameters">θ, in the order of <see cref="ParameterNames"/>.</param>
    public double EvaluateAt(ReadOnlySpan<double> point, ReadOnlySpan<double> parameters)
    {
        CheckParameters(parameters);
        if (point.Length != VariableNames.Count)
            Internals.Throw.Length(nameof(point), point.Length, VariableNames.Count, "one value per variable: " + string.Join(", ", VariableNames));
        return _program.Value(point, parameters);
    }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian)
    {
        CheckParameters(parameters);
        int k = VariableNames.Count;
        if (x.Length % k != 0)
            Internals.Throw.Length(nameof(x), x.Length, x.Length / k * k, $"{k} values per point (row-major)");
        int n = x.Length / k;
        if (values.Length < n)
            Internals.Throw.Length(nameof(values), values.Length, n, "one value per point");
        if (!jacobian.IsEmpty && jacobian.Length < n * ParameterNames.Count)
            Internals.Throw.Length(nameof(jacobian), jacobian.Length, n * ParameterNames.Count, "n·p, column-major");
        _program.Evaluate(x, parameters, values[..n], jacobian);
    }

    /// <summary>The text.</summary>
    public override string ToString() => Text;

    private void CheckOneVariable()
    {
        if (VariableNames.Count != 1)
            throw new InvalidOperationException($"{Text} has {VariableNames.Count} variables ({string.Join(", ", VariableNames)}): evaluate it at a point with EvaluateAt.");
    }

    private void CheckParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterNames.Count)
            Internals.Throw.Length(nameof(parameters), parameters.Length, ParameterNames.Count,
                ParameterNames.Count == 0 ? "the expression has no parameters" : "one value per parameter: " + string.Join(", ", ParameterNames));
    }
}

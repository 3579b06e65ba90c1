namespace Lsgd.Curves;

/// <summary>
/// A model typed as a formula, such as <c>a*exp(b*x)+c</c>: the variable is <c>x</c>, every other name is a
/// parameter, and the gradient with respect to the parameters comes from automatic differentiation.
/// </summary>
/// <remarks>
/// <para>The language: numbers in the invariant culture (<c>1.5</c>, <c>.5</c>, <c>2e-3</c>); <c>+ - * /</c>;
/// <c>^</c> for powers, right-associative and above unary minus (<c>-x^2</c> is −(x²), <c>2^3^2</c> is 2⁹);
/// parentheses; the functions exp, log (natural), sqrt, sin, cos, tanh, abs and pow(a, b); the constants
/// <c>pi</c> and <c>e</c>. Names are case-sensitive, made of letters, digits and <c>_</c>, and may not start
/// with a digit. A product needs its <c>*</c>: <c>2x</c> is an error.</para>
/// <para>Parameters are numbered in order of first appearance: <c>a*exp(b*x)+c</c> has θ = (a, b, c).</para>
/// <para>Evaluation is forward-mode automatic differentiation: each intermediate value carries its gradient
/// with respect to every parameter, so the derivatives are exact to rounding (no finite differences).</para>
/// </remarks>
public sealed class Expression : ICurveModel
{
    private readonly ExpressionProgram _program;

    private Expression(string text, IReadOnlyList<string> parameters, bool usesVariable, ExpressionProgram program)
    {
        Text = text;
        ParameterNames = parameters;
        UsesVariable = usesVariable;
        _program = program;
    }

    /// <summary>The variable's name, <c>x</c>.</summary>
    public const string VariableName = ExpressionParser.VariableName;

    /// <summary>The functions the language knows: exp, log, sqrt, sin, cos, tanh, abs, pow.</summary>
    public static IReadOnlyList<string> FunctionNames { get; } = ["exp", "log", "sqrt", "sin", "cos", "tanh", "abs", "pow"];

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionParseException">
    /// The text is not an expression; the message names what was expected, the 1-based column and what was found.
    /// </exception>
    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (root, parameters, usesVariable) = ExpressionParser.Parse(text);
        return new Expression(text, parameters, usesVariable, ExpressionProgram.Compile(root, parameters.Count));
    }

    /// <summary>The text as it was given.</summary>
    public string Text { get; }

    /// <inheritdoc />
    string ICurveModel.Formula => Text;

    /// <summary>The parameters (every name other than x, the constants and the functions), in order of first appearance.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Whether the variable x appears.</summary>
    public bool UsesVariable { get; }

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters)
    {
        CheckParameters(parameters);
        return _program.Value(x, parameters);
    }

    /// <inheritdoc />
    public double Evaluate(double x, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        CheckParameters(parameters);
        if (gradient.Length < ParameterNames.Count)
            Internals.Throw.Length(nameof(gradient), gradient.Length, ParameterNames.Count, "one derivative per parameter");
        return _program.ValueAndGradient(x, parameters, gradient);
    }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> parameters, Span<double> values, Span<double> jacobian)
    {
        CheckParameters(parameters);
        if (values.Length < x.Length)
            Internals.Throw.Length(nameof(values), values.Length, x.Length, "one value per point");
        if (!jacobian.IsEmpty && jacobian.Length < x.Length * ParameterNames.Count)
            Internals.Throw.Length(nameof(jacobian), jacobian.Length, x.Length * ParameterNames.Count, "n·p, column-major");
        _program.Evaluate(x, parameters, values, jacobian);
    }

    /// <summary>The text.</summary>
    public override string ToString() => Text;

    private void CheckParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterNames.Count)
            Internals.Throw.Length(nameof(parameters), parameters.Length, ParameterNames.Count,
                ParameterNames.Count == 0 ? "the expression has no parameters" : "one value per parameter: " + string.Join(", ", ParameterNames));
    }
}

using Lsgd.Internals;

namespace Lsgd.Optimizers;

/// <summary>The optimizers by name: the one mapping from the names people type (e.g. <c>--optimizer adam</c>) to optimizers.</summary>
public static class OptimizerCatalog
{
    /// <summary>The names <see cref="Create"/> accepts, in the order they are documented: the article's first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["gd", "momentum", "nesterov", "adam", "adagrad", "rmsprop", "fista"];

    /// <summary>
    /// The optimizer called <paramref name="name"/> with its default settings; <paramref name="momentum"/> is μ for
    /// <c>momentum</c> and <c>nesterov</c>. Each optimizer's <see cref="IOptimizer.Name"/> is the name it was created by.
    /// </summary>
    /// <exception cref="InvalidOptionException">An unknown name, or μ outside [0, 1).</exception>
    public static IOptimizer Create(string name, double momentum = 0.9) => name switch
    {
        "gd" => new Sgd(),
        "momentum" => new Momentum(momentum),
        "nesterov" => new Momentum(momentum, nesterov: true),
        "adam" => new Adam(),
        "adagrad" => new AdaGrad(),
        "rmsprop" => new RmsProp(),
        "fista" => new Fista(),
        _ => throw new InvalidOptionException("Optimizer", name, "one of " + string.Join(", ", Names), "Try gd (the article's), or adam."),
    };
}

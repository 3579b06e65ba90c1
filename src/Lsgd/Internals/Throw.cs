using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Lsgd.Internals;

/// <summary>Every throw of the core library, so messages keep one style: got, allowed, try.</summary>
[StackTraceHidden]
internal static class Throw
{
    [DoesNotReturn]
    public static void Option(string name, object? value, string allowed, string suggestion) =>
        throw new InvalidOptionException(name, value, allowed, suggestion);

    [DoesNotReturn]
    public static void Data(string message) => throw new LsgdException(message);

    [DoesNotReturn]
    public static T Data<T>(string message) => throw new LsgdException(message);

    [DoesNotReturn]
    public static void Length(string name, long actual, long expected, string what) =>
        throw new ArgumentException(
            $"{name} has length {actual} but {expected} was expected ({what}).", name);

    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    public static string Format(object? value) => InvalidOptionException.Format(value);
}

/// <summary>Validation helpers used inside option <c>init</c> accessors.</summary>
[StackTraceHidden]
internal static class Check
{
    public static double Positive(double value, string name, string suggestion)
    {
        if (!(value > 0) || double.IsInfinity(value))
            Throw.Option(name, value, "a finite number > 0", suggestion);
        return value;
    }

    public static double NonNegative(double value, string name, string suggestion)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            Throw.Option(name, value, "a finite number >= 0 (0 turns the rule off)", suggestion);
        return value;
    }

    public static int AtLeast(int value, int minimum, string name, string suggestion)
    {
        if (value < minimum)
            Throw.Option(name, value, $"an integer >= {minimum}", suggestion);
        return value;
    }
}

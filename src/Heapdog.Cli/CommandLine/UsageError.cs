using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// A command line that does not parse, as one line in the user's terms (exit 2): an unknown command or option with the
/// nearest real one ("did you mean"), a missing argument by name, a bad value with what was expected and what was given
/// — never System.CommandLine's type names or its several-line listings.
/// </summary>
public static class UsageError
{
    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string where = command is RootCommand ? "heapdog" : $"heapdog {command.Name}";
        string? dashed = StrayOption(parse);
        if (dashed is not null || parse.UnmatchedTokens.Count > 0)
        {
            string token = dashed ?? parse.UnmatchedTokens[0];
            if (token.StartsWith('-') && token.Length > 1)
                return Unknown($"unknown option '{token}' for '{where}'", token, OptionNames(parse.CommandResult), where);
            if (command.Subcommands.Count > 0)
                return Unknown($"unknown command '{token}'", token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name), where);
            return $"unexpected argument '{token}' for '{where}'; see '{where} --help'";
        }

        var error = parse.Errors[0];
        bool missing = error.Message.StartsWith("Required argument", StringComparison.Ordinal) && error.Message.Contains("missing", StringComparison.Ordinal);
        // A required argument that is missing, named as the help names it.
        if (missing && error.SymbolResult is not OptionResult and not ArgumentResult { Parent: OptionResult })
        {
            foreach (var argument in command.Arguments)
                if ((parse.GetResult(argument)?.Tokens.Count ?? 0) < argument.Arity.MinimumNumberOfValues)
                    return $"{(command is RootCommand ? "heapdog" : command.Name)} needs {argument.Name}: {argument.Description}";
        }

        return error.SymbolResult switch
        {
            OptionResult { Option: var option } r when IsConversion(error) => BadValue(option.Name, option.ValueType, Token(r), option.GetCompletions(CompletionContext.Empty)),
            ArgumentResult { Parent: OptionResult { Option: var option } } r when IsConversion(error) => BadValue(option.Name, option.ValueType, Token(r), option.GetCompletions(CompletionContext.Empty)),
            ArgumentResult { Argument: var argument } r when IsConversion(error) => BadValue(argument.Name, argument.ValueType, Token(r), argument.GetCompletions(CompletionContext.Empty)),
            OptionResult { Option: var option } when missing => $"{option.Name} needs a value; see '{where} --help'",
            ArgumentResult { Parent: OptionResult { Option: var option } } when missing => $"{option.Name} needs a value; see '{where} --help'",
            _ => OneLine(error.Message),
        };
    }

    /// <summary>
    /// An unknown option taken as a command argument ("analyze --jsn FILE", "leaks A B --tpo 3"): the mistake to name,
    /// even when the arguments accept it as a file name. <c>-</c> alone (stdin) and negative numbers are not options.
    /// </summary>
    public static string? StrayOption(ParseResult parse) =>
        parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-' && !char.IsAsciiDigit(t.Value[1]))?.Value;

    private static bool IsConversion(ParseError error) =>
        error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal) || error.Message.Contains("not recognized. Must be one of", StringComparison.Ordinal);

    private static string Token(SymbolResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static string BadValue(string name, Type type, string token, IEnumerable<CompletionItem> choices)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = t.GetElementType()!;
        string expected = t == typeof(int) || t == typeof(long) ? "a whole number"
            : t == typeof(double) ? "a number"
            : t.IsEnum ? "one of " + string.Join(", ", choices.Select(c => c.Label.ToLowerInvariant()))
            : "a valid value";
        return $"{name} must be {expected}, got '{token}'";
    }

    private static string Unknown(string what, string token, IEnumerable<string> candidates, string where) =>
        Nearest(token, candidates) is { } near ? $"{what}; did you mean '{near}'?" : $"{what}; see '{where} --help'";

    /// <summary>Every option name and alias that applies to the command: its own and the recursive ones above it.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        var own = result.Command.Options.Where(o => !o.Hidden);
        var inherited = result.Parent is CommandResult parent ? OptionNames(parent, recursiveOnly: true) : [];
        return own.SelectMany(o => o.Aliases.Prepend(o.Name)).Concat(inherited);
    }

    private static IEnumerable<string> OptionNames(CommandResult result, bool recursiveOnly)
    {
        var here = result.Command.Options.Where(o => !o.Hidden && (!recursiveOnly || o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name));
        return result.Parent is CommandResult parent ? here.Concat(OptionNames(parent, recursiveOnly)) : here;
    }

    /// <summary>The candidate nearest to <paramref name="token"/> by edit distance, if it is near enough to be a typo
    /// (at most a third of its letters wrong), or one that the token starts.</summary>
    public static string? Nearest(string token, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct())
        {
            int distance = candidate.StartsWith(token, StringComparison.Ordinal) && token.TrimStart('-').Length >= 2 ? 0 : Distance(token, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.Max(1, token.TrimStart('-').Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance, with a swap of two neighbours counted as one edit (the commonest typo).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}

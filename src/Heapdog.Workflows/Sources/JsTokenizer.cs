namespace Heapdog.Workflows.Sources;

/// <summary>
/// Just enough of a JavaScript (and compiled TypeScript) tokenizer to walk a function's code: comments are skipped,
/// strings, template literals and regular expressions are single tokens, so a name inside them is never taken for code.
/// A <c>/</c> starts a regular expression where an expression may start (after an operator, a keyword or an opening
/// bracket), and divides after a name, a number, a literal or a closing bracket, as the language's grammar mostly
/// decides. Malformed text never throws: an unterminated literal ends at the end of its line or of the text.
/// </summary>
internal sealed class JsTokenizer(string text, int start)
{
    // Longest first, so "===" is not read as "==" then "=".
    private static readonly string[] Punctuators =
    [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
        "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
    ];

    // After these words an expression starts, so a "/" begins a regular expression.
    private static readonly HashSet<string> ExpressionKeywords =
        ["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"];

    private int _at = start;
    private JsToken? _previous;

    /// <summary>The next token, or null at the end of the text.</summary>
    public JsToken? Next()
    {
        SkipTrivia();
        if (_at >= text.Length) return null;
        int begin = _at;
        char c = text[_at];
        JsTokenKind kind;
        if (IsIdentifierStart(c) || (c == '#' && _at + 1 < text.Length && IsIdentifierStart(text[_at + 1])))
        {
            _at++;
            while (_at < text.Length && IsIdentifierPart(text[_at])) _at++;
            kind = JsTokenKind.Identifier;
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && _at + 1 < text.Length && char.IsAsciiDigit(text[_at + 1])))
        {
            _at++;
            while (_at < text.Length && (IsIdentifierPart(text[_at]) || text[_at] == '.')) _at++;
            kind = JsTokenKind.Number;
        }
        else if (c is '\'' or '"')
        {
            SkipString(c);
            kind = JsTokenKind.String;
        }
        else if (c == '`')
        {
            SkipTemplate();
            kind = JsTokenKind.Template;
        }
        else if (c == '/' && RegexMayStart())
        {
            SkipRegex();
            kind = JsTokenKind.Regex;
        }
        else
        {
            _at += PunctuatorLength();
            kind = JsTokenKind.Punctuator;
        }
        var token = new JsToken(kind, begin, _at);
        _previous = token;
        return token;
    }

    private void SkipTrivia()
    {
        while (_at < text.Length)
        {
            char c = text[_at];
            if (char.IsWhiteSpace(c)) _at++;
            else if (c == '/' && _at + 1 < text.Length && text[_at + 1] == '/') SkipToLineEnd();
            else if (c == '/' && _at + 1 < text.Length && text[_at + 1] == '*')
            {
                int end = text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                _at = end < 0 ? text.Length : end + 2;
            }
            else if (c == '#' && _at == 0 && _at + 1 < text.Length && text[_at + 1] == '!') SkipToLineEnd(); // a shebang
            else return;
        }
    }

    private void SkipToLineEnd()
    {
        int end = text.IndexOf('\n', _at);
        _at = end < 0 ? text.Length : end;
    }

    private void SkipString(char quote)
    {
        for (_at++; _at < text.Length; _at++)
        {
            char c = text[_at];
            if (c == '\\') _at++;
            else if (c == quote) { _at++; return; }
            else if (c == '\n') return;
        }
    }

    /// <summary>A template literal, with its <c>${…}</c> substitutions (which may hold strings, comments and nested templates).</summary>
    private void SkipTemplate()
    {
        for (_at++; _at < text.Length; _at++)
        {
            char c = text[_at];
            if (c == '\\') _at++;
            else if (c == '`') { _at++; return; }
            else if (c == '$' && _at + 1 < text.Length && text[_at + 1] == '{')
            {
                _at += 2;
                SkipSubstitution();
                _at--; // the loop steps over the closing brace
            }
        }
    }

    /// <summary>Code up to the brace that closes a substitution, which it consumes.</summary>
    private void SkipSubstitution()
    {
        int depth = 0;
        var saved = _previous;
        _previous = null;
        while (Next() is { } t)
        {
            if (t.Is(text, "{")) depth++;
            else if (t.Is(text, "}") && depth-- == 0) break;
        }
        _previous = saved;
    }

    private void SkipRegex()
    {
        bool inClass = false;
        for (_at++; _at < text.Length; _at++)
        {
            char c = text[_at];
            if (c == '\\') _at++;
            else if (c == '\n') return;
            else if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (c == '/' && !inClass) { _at++; break; }
        }
        while (_at < text.Length && IsIdentifierPart(text[_at])) _at++; // flags
    }

    private bool RegexMayStart()
    {
        if (_previous is not { } p) return true;
        return p.Kind switch
        {
            JsTokenKind.Identifier => ExpressionKeywords.Contains(text[p.Start..p.End]),
            JsTokenKind.Punctuator => !(p.Is(text, ")") || p.Is(text, "]") || p.Is(text, "}") || p.Is(text, "++") || p.Is(text, "--")),
            _ => false,
        };
    }

    private int PunctuatorLength()
    {
        foreach (var p in Punctuators)
            if (string.CompareOrdinal(text, _at, p, 0, p.Length) == 0) return p.Length;
        return 1;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '$' || c > 0x7f && !char.IsWhiteSpace(c);

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);
}

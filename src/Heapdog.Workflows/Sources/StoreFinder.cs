namespace Heapdog.Workflows.Sources;

/// <summary>
/// Finds, inside one function of a script, the first statement that stores into a collection: the function is the
/// one V8 names by its start (an allocation stack's frame), its body found from there by bracket matching over
/// <see cref="JsTokenizer"/>'s tokens, so strings, comments, template literals and regular expressions never count.
/// A store is the owner followed by <c>.set(</c>, <c>.push(</c>, <c>.add(</c> or <c>.unshift(</c>, by
/// <c>[…] =</c> or <c>.name =</c> (also <c>??=</c>, <c>||=</c>, <c>&amp;&amp;=</c>), or the owner as the first
/// argument of <c>Object.assign(</c>; a property owner also by <c>.owner =</c>. For listeners it is
/// <c>emitter.on('event'</c> (or <c>addListener</c>, <c>once</c>, <c>prependListener</c>, <c>prependOnceListener</c>).
/// </summary>
public static class StoreFinder
{
    public const int MaxTextLength = 160;

    /// <summary>Tokens read looking for a function's body, and in it: a position that is not a function's start (a
    /// file that changed since V8 loaded it) gives up instead of reading a whole bundle.</summary>
    private const int MaxHeaderTokens = 2_000, MaxBodyTokens = 2_000_000;

    private static readonly string[] StoreMethods = ["set", "push", "add", "unshift"];
    private static readonly string[] ListenerMethods = ["on", "addListener", "once", "prependListener", "prependOnceListener"];
    private static readonly string[] Assignments = ["=", "??=", "||=", "&&="];

    // Words before "(…) {" that open a block, not a function's body.
    private static readonly HashSet<string> BlockKeywords = ["if", "for", "while", "switch", "catch", "with"];

    /// <summary>The first store into <paramref name="target"/> in the function that starts at 1-based
    /// (<paramref name="line"/>, <paramref name="column"/>) of <paramref name="script"/>; null when there is none, or
    /// when that position is not the start of a function named <paramref name="function"/> (the file is not the code
    /// V8 ran). With <paramref name="nested"/> false, functions defined inside it (callbacks, methods) are not
    /// searched: a caller's body may hold much code that is not on the stack.</summary>
    public static StoreSite? Find(ScriptText script, int line, int column, string? function, StoreTarget target, bool nested = true)
    {
        if (script.OffsetOf(line, column) is not int start || !NamesFunction(script.Line(line), function)) return null;
        var body = Body(script.Text, start);
        if (body is null) return null;
        string text = script.Text;
        var inner = nested ? null : NestedFunctions(text, body);
        for (int i = 0; i < body.Count; i++)
        {
            if (inner is not null && inner[i]) continue;
            int? at = StoreAt(text, body, i, target);
            if (at is not int offset) continue;
            var (l, c) = script.PositionOf(offset);
            string source = script.Line(l).Trim();
            return new StoreSite(l, c, source.Length > MaxTextLength ? source[..(MaxTextLength - 1)] + "…" : source);
        }
        return null;
    }

    /// <summary>Whether the header line names the function (its last dotted part: V8 names methods <c>Class.method</c>
    /// at times); anonymous functions are taken on their position alone.</summary>
    private static bool NamesFunction(string header, string? function)
    {
        if (string.IsNullOrEmpty(function) || function.StartsWith('(')) return true;
        string name = function[(function.LastIndexOf('.') + 1)..];
        if (name.StartsWith("get ", StringComparison.Ordinal) || name.StartsWith("set ", StringComparison.Ordinal)) name = name[4..];
        return name.Length == 0 || header.Contains(name, StringComparison.Ordinal);
    }

    /// <summary>The tokens of the function's body: a block's, between its braces, or an arrow's expression.</summary>
    private static List<JsToken>? Body(string text, int start)
    {
        var tokens = new JsTokenizer(text, start);
        int depth = 0;
        bool expression = false;
        for (int n = 0; ; n++)
        {
            if (n > MaxHeaderTokens || tokens.Next() is not { } t) return null;
            if (t.Is(text, "{") && depth == 0) break;
            if (t.Is(text, "=>") && depth == 0)
            {
                var save = new JsTokenizer(text, t.End).Next();
                if (save is { } s && s.Is(text, "{")) continue;
                expression = true;
                break;
            }
            if (t.Is(text, ";") && depth == 0) return null;
            if (IsOpen(text, t)) depth++;
            else if (IsClose(text, t) && --depth < 0) return null;
        }
        var body = new List<JsToken>();
        depth = 0;
        while (body.Count < MaxBodyTokens && tokens.Next() is { } t)
        {
            bool open = IsOpen(text, t), close = IsClose(text, t);
            if (close && depth == 0) return body;
            if (expression && depth == 0 && (t.Is(text, ",") || t.Is(text, ";"))) return body;
            if (open) depth++;
            else if (close) depth--;
            body.Add(t);
        }
        return expression ? body : null; // an arrow's expression may end the text; a block must close
    }

    /// <summary>Which tokens of <paramref name="body"/> belong to functions defined in it: an arrow's body (a block
    /// or an expression), and the block after <c>name(…)</c> (<c>function f(…) {</c>, a method) unless the name is a
    /// statement's keyword (<c>if (…) {</c>).</summary>
    private static bool[] NestedFunctions(string text, List<JsToken> body)
    {
        int n = body.Count;
        var match = new int[n];
        Array.Fill(match, -1);
        var open = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            if (IsOpen(text, body[i])) open.Push(i);
            else if (IsClose(text, body[i]) && open.Count > 0) { int o = open.Pop(); (match[o], match[i]) = (i, o); }
        }
        var inner = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int from = -1, to = -1;
            if (body[i].Is(text, "=>") && i + 1 < n)
            {
                from = i + 1;
                if (body[from].Is(text, "{")) to = match[from];
                else
                    for (to = from; to < n; to++)
                    {
                        if (IsOpen(text, body[to]) && match[to] > to) { to = match[to]; continue; }
                        if (IsClose(text, body[to]) || body[to].Is(text, ",") || body[to].Is(text, ";")) { to--; break; }
                    }
            }
            else if (body[i].Is(text, "{") && i > 0 && body[i - 1].Is(text, ")") && match[i - 1] > 0
                && body[match[i - 1] - 1] is { Kind: JsTokenKind.Identifier } name && !BlockKeywords.Contains(text[name.Start..name.End]))
                (from, to) = (i, match[i]);
            if (from < 0) continue;
            if (to < 0 || to >= n) to = n - 1;
            for (int k = from; k <= to; k++) inner[k] = true;
        }
        return inner;
    }

    private static bool IsOpen(string text, JsToken t) => t.Is(text, "(") || t.Is(text, "[") || t.Is(text, "{");

    private static bool IsClose(string text, JsToken t) => t.Is(text, ")") || t.Is(text, "]") || t.Is(text, "}");

    /// <summary>The offset of a store into <paramref name="target"/> that begins at token <paramref name="i"/>, if one does.</summary>
    private static int? StoreAt(string text, List<JsToken> body, int i, StoreTarget target)
    {
        var t = body[i];
        if (target.ListenerEvent is null && t.Is(text, "Object") && Is(text, body, i + 1, ".") && Is(text, body, i + 2, "assign") && Is(text, body, i + 3, "("))
            return FirstArgumentIsOwner(text, body, i + 4, target) ? t.Start : null;
        if (!t.Is(text, target.Owner)) return null;
        bool afterDot = Is(text, body, i - 1, ".") || Is(text, body, i - 1, "?.");
        if (afterDot != target.Property) return null;
        bool dot = Is(text, body, i + 1, ".") || Is(text, body, i + 1, "?.");
        if (target.ListenerEvent is { } eventName)
            return dot && IsAny(text, body, i + 2, ListenerMethods) && Is(text, body, i + 3, "(") && IsString(text, body, i + 4, eventName) ? t.Start : null;
        if (dot && IsAny(text, body, i + 2, StoreMethods) && Is(text, body, i + 3, "(")) return t.Start;
        if (dot && i + 2 < body.Count && body[i + 2].Kind == JsTokenKind.Identifier && IsAny(text, body, i + 3, Assignments)) return t.Start;
        if (Is(text, body, i + 1, "[") && IsAny(text, body, Closing(text, body, i + 1) + 1, Assignments)) return t.Start;
        if (target.Property && IsAny(text, body, i + 1, Assignments)) return t.Start;
        return null;
    }

    /// <summary>Whether the argument list that starts at <paramref name="i"/> begins with the owner (<c>this.cache</c> or <c>inflight</c>).</summary>
    private static bool FirstArgumentIsOwner(string text, List<JsToken> body, int i, StoreTarget target)
    {
        int end = i;
        for (int depth = 0; end < body.Count; end++)
        {
            if (depth == 0 && (Is(text, body, end, ",") || Is(text, body, end, ")"))) break;
            if (IsOpen(text, body[end])) depth++;
            else if (IsClose(text, body[end])) depth--;
        }
        int last = end - 1;
        if (last < i || !body[last].Is(text, target.Owner)) return false;
        bool afterDot = last > i && (Is(text, body, last - 1, ".") || Is(text, body, last - 1, "?."));
        return afterDot == target.Property;
    }

    /// <summary>The index of the bracket that closes the one at <paramref name="open"/>, or the end of the body.</summary>
    private static int Closing(string text, List<JsToken> body, int open)
    {
        int depth = 0;
        for (int i = open; i < body.Count; i++)
        {
            if (IsOpen(text, body[i])) depth++;
            else if (IsClose(text, body[i]) && --depth == 0) return i;
        }
        return body.Count;
    }

    private static bool Is(string text, List<JsToken> body, int i, string value) => i >= 0 && i < body.Count && body[i].Is(text, value);

    private static bool IsAny(string text, List<JsToken> body, int i, string[] values) => values.Any(v => Is(text, body, i, v));

    private static bool IsString(string text, List<JsToken> body, int i, string value) =>
        i < body.Count && body[i].Kind == JsTokenKind.String && body[i].End - body[i].Start == value.Length + 2
        && string.CompareOrdinal(text, body[i].Start + 1, value, 0, value.Length) == 0;
}

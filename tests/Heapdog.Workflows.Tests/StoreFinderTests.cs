using Heapdog.Workflows.Sources;

namespace Heapdog.Workflows.Tests;

/// <summary>
/// <see cref="StoreFinder"/> over hand-written functions: each case starts its function where V8 would (the <c>(</c>
/// of a declaration's parameters, marked <c>^</c> by the test) and marks the expected store with <c>@</c>.
/// </summary>
public sealed class StoreFinderTests
{
    /// <summary>Finds the store in <paramref name="code"/>: the function starts at <c>^</c> (removed) and the answer is
    /// expected at <c>@</c> (removed); no <c>@</c> means no store.</summary>
    private static void Check(string code, StoreTarget target, string? function = null, bool nested = true)
    {
        int start = code.IndexOf('^');
        code = code.Remove(start, 1);
        int expected = code.IndexOf('@');
        if (expected >= 0) code = code.Remove(expected, 1);
        var script = new ScriptText(code);
        var (line, column) = script.PositionOf(start);
        var found = StoreFinder.Find(script, line, column, function, target, nested);
        if (expected < 0) { found.ShouldBeNull(); return; }
        found.ShouldNotBeNull();
        (found.Line, found.Column).ShouldBe(script.PositionOf(expected));
        found.Text.ShouldBe(script.Line(found.Line).Trim());
    }

    private static readonly StoreTarget Inflight = new("inflight", Property: false);

    [Fact]
    public void Find_StoreOnTheLineBelowTheHeader_NamesThatLine() =>
        Check("const inflight = new Map();\nfunction audit^(req) {\n  @inflight.set(req.id, { id: req.id });\n}\n", Inflight, "audit");

    [Fact]
    public void Find_NameInCommentsStringsTemplatesAndRegexes_AreSkipped() => Check("""
        function audit^(req) {
          // inflight.set(req.id, x)
          /* inflight.push(x) */
          const a = 'inflight.set(', b = "inflight[1] = 2", c = `inflight.add(${req.id}) ${`inflight.push(`}`;
          const r = /inflight.set\(/g, d = 4 / 2, e = req.n / 2 / 1;
          if (a) { for (;;) { { @inflight.set(req.id, { a, b, c }); break; } } }
        }
        """, Inflight, "audit");

    [Theory]
    [InlineData("@inflight.push(x);")]
    [InlineData("@inflight.add(x);")]
    [InlineData("@inflight.unshift(x);")]
    [InlineData("@inflight?.set(k, x);")]
    [InlineData("@inflight[req.id] = x;")]
    [InlineData("@inflight[req.id] ??= x;")]
    [InlineData("@inflight.last = x;")]
    [InlineData("@Object.assign(inflight, { [k]: x });")]
    [InlineData("inflight.get(k); inflight[k] === x; inflight.size == 2; @inflight.set(k, x);")]
    public void Find_StoreForms_AreRecognised(string statement) =>
        Check($"function f^(k, x) {{\n  {statement}\n}}\n", Inflight);

    [Theory]
    [InlineData("inflight.get(k);")]
    [InlineData("inflight[k] === x;")]
    [InlineData("other.inflight.set(k, x);")]
    [InlineData("myinflight.set(k, x);")]
    [InlineData("Object.assign(x, inflight);")]
    public void Find_ReadsAndOtherNames_AreNotStores(string statement) =>
        Check($"function f^(k, x) {{\n  {statement}\n}}\n", Inflight);

    [Fact]
    public void Find_StoreAfterTheFunctionEnds_IsNotTaken() =>
        Check("function f^(x) {\n  if (x) { return { a: '}' }; }\n}\nfunction g(x) { inflight.set(x, 1); }\n", Inflight);

    [Fact]
    public void Find_ArrowWithExpressionBody_FindsTheStore() =>
        Check("const track = ^(x) => @inflight.set(x.id, x), other = (y) => inflight.set(y, y);\n", Inflight, "track");

    [Fact]
    public void Find_DefaultParameterWithBraces_BodyIsTheFirstBraceOutside() =>
        Check("function f^({ a } = {}, b = () => { inflight.set(1, 2); }) {\n  @inflight.add(a);\n}\n", Inflight);

    [Fact]
    public void Find_PropertyOwner_NeedsThePropertyForm() =>
        Check("class Cache {\n  put^(k, v) {\n    cache.set(k, v);\n    @this.cache.set(k, v);\n  }\n}\n".Replace("@this.", "this.@"), new StoreTarget("cache", Property: true), "Cache.put");

    [Fact]
    public void Find_PrivateFieldOwner_IsFound() =>
        Check("class Q {\n  #items = [];\n  add^(x) {\n    this.@#items.push(x);\n  }\n}\n", new StoreTarget("#items", Property: true), "add");

    [Fact]
    public void Find_Listener_NeedsTheEventName() =>
        Check("function handle^(req) {\n  jobQueue.on('close', f);\n  @jobQueue.on('error', (e) => log(req, e));\n}\n", new StoreTarget("jobQueue", false, "error"), "handle");

    [Theory]
    [InlineData("items.forEach((x) => { @inflight.set(x.id, x); });")]
    [InlineData("items.forEach(x => @inflight.set(x.id, x));")]
    [InlineData("items.forEach(function (x) { @inflight.set(x.id, x); });")]
    [InlineData("const o = { put(x) { @inflight.set(x.id, x); } };")]
    public void Find_StoreInANestedFunction_OnlyWhenNestedAreSearched(string statement)
    {
        Check($"function f^(items) {{\n  {statement}\n}}\n", Inflight, nested: true);
        Check($"function f^(items) {{\n  {statement.Replace("@", "")}\n}}\n", Inflight, nested: false);
    }

    [Fact]
    public void Find_NestedSkipped_DirectStoreAfterACallbackAndInBlocks_IsFound() => Check("""
        function f^(items) {
          items.forEach((x) => inflight.set(x.id, x)), other(() => { inflight.add(1); });
          if (items.length) { while (false) {} for (const x of items) { try { } catch (e) { } @inflight.push(x); } }
        }
        """, Inflight, nested: false);

    [Fact]
    public void Find_HeaderThatDoesNotNameTheFunction_FindsNothing() =>
        Check("function audit^(req) {\n  inflight.set(req.id, req);\n}\n", Inflight, "somethingElse");

    [Fact]
    public void Find_PositionPastTheText_FindsNothing()
    {
        var script = new ScriptText("function f(x) { inflight.set(x, x); }\n");
        StoreFinder.Find(script, 40, 1, "f", Inflight).ShouldBeNull();
        StoreFinder.Find(script, 1, 400, "f", Inflight).ShouldBeNull();
    }

    [Fact]
    public void Find_UnterminatedBody_FindsNothing() =>
        Check("function f^(x) {\n  inflight.set(x, `unterminated ${x}\n", Inflight);

    [Fact]
    public void Find_LongLine_TextIsCut()
    {
        var script = new ScriptText($"function f(x) {{ inflight.set(x, '{new string('a', 400)}'); }}\n");
        var found = StoreFinder.Find(script, 1, 11, "f", Inflight).ShouldNotBeNull();
        found.Text.Length.ShouldBe(StoreFinder.MaxTextLength);
        found.Text.ShouldEndWith("…");
    }

    [Fact]
    public void ScriptText_LineBreaks_AreJavaScripts()
    {
        var script = new ScriptText("a\r\nb\rc\u2028d\ne");
        script.LineCount.ShouldBe(5);
        (script.Line(2), script.Line(3), script.Line(4), script.Line(5)).ShouldBe(("b", "c", "d", "e"));
        script.PositionOf(script.OffsetOf(4, 1)!.Value).ShouldBe((4, 1));
    }
}

using System.Text;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Tests;

/// <summary>Decoding Source Map v3 mappings and finding the original of a generated position.</summary>
public sealed class SourceMapTests
{
    // mozilla/source-map's test map (test/util.js), min.js from one.js and two.js:
    //   one.js: " ONE.foo = function (bar) {\n   return baz(bar);\n };"   min.js line 1: " ONE.foo=function(a){return baz(a);};"
    //   two.js: " TWO.inc = function (n) {\n   return n + 1;\n };"          min.js line 2: " TWO.inc=function(a){return a+1;};"
    // Decoded by hand, 0-based (generated line, column) → (source, line, column, name):
    //   line 0: CAAC 1→one 0:1 · IAAI 5→0:5 · IAAM 9→0:11 · SAAUA 18→0:21 bar · GAClB 21→1:3 · OAAOC 28→1:10 baz · IAAID 32→1:14 bar
    //   line 1: CCDb 1→two 0:1 · IAAI 5→0:5 · IAAM 9→0:11 · SAAUE 18→0:21 n · GAClB 21→1:3 · OAAOA 28→1:10 n
    private const string MozillaMap = """
        {"version":3,"file":"min.js","names":["bar","baz","n"],"sources":["one.js","two.js"],"sourceRoot":"/the/root",
         "mappings":"CAAC,IAAI,IAAM,SAAUA,GAClB,OAAOC,IAAID;CCDb,IAAI,IAAM,SAAUE,GAClB,OAAOA"}
        """;

    private static SourceMap Parse(string json) => SourceMap.Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("A", 0)]
    [InlineData("C", 1)]
    [InlineData("D", -1)]
    [InlineData("e", 15)]
    [InlineData("f", -15)]
    [InlineData("gB", 16)]
    [InlineData("hB", -16)]
    [InlineData("2H", 123)]
    [InlineData("+/////D", int.MaxValue)]
    [InlineData("//////D", -int.MaxValue)]
    public void ReadVlq_KnownNumbers_Decode(string text, int expected)
    {
        int i = 0;
        SourceMap.ReadVlq(text, ref i).ShouldBe(expected);
        i.ShouldBe(text.Length);
    }

    [Theory]
    [InlineData(-1000)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(1 << 20)]
    [InlineData(int.MaxValue)]
    public void ReadVlq_WhatTheTestGeneratorWrites_RoundTrips(int value)
    {
        var text = new StringBuilder();
        SourceMappedService.Vlq(text, value);
        int i = 0;
        SourceMap.ReadVlq(text.ToString(), ref i).ShouldBe(value);
    }

    [Theory]
    [InlineData(0, 1, "/the/root/one.js", 0, 1, null)]
    [InlineData(0, 5, "/the/root/one.js", 0, 5, null)]
    [InlineData(0, 9, "/the/root/one.js", 0, 11, null)]
    [InlineData(0, 18, "/the/root/one.js", 0, 21, "bar")]
    [InlineData(0, 21, "/the/root/one.js", 1, 3, null)]
    [InlineData(0, 28, "/the/root/one.js", 1, 10, "baz")]
    [InlineData(0, 32, "/the/root/one.js", 1, 14, "bar")]
    [InlineData(0, 35, "/the/root/one.js", 1, 14, "bar")] // after the last mapping: the last one still covers it
    [InlineData(1, 1, "/the/root/two.js", 0, 1, null)]
    [InlineData(1, 7, "/the/root/two.js", 0, 5, null)]   // between mappings: the one before
    [InlineData(1, 18, "/the/root/two.js", 0, 21, "n")]
    [InlineData(1, 21, "/the/root/two.js", 1, 3, null)]
    [InlineData(1, 28, "/the/root/two.js", 1, 10, "n")]
    public void Find_MozillaTestMap_GivesTheHandDecodedOriginal(int line, int column, string source, int originalLine, int originalColumn, string? name)
    {
        var found = Parse(MozillaMap).Find(line, column);
        found.ShouldBe(new SourceMap.Original(source, originalLine, originalColumn, name));
    }

    [Theory]
    [InlineData(0, 0)]   // before the line's first mapping
    [InlineData(2, 0)]   // past the last generated line
    [InlineData(-1, 5)]
    public void Find_UnmappedPosition_IsNull(int line, int column) => Parse(MozillaMap).Find(line, column).ShouldBeNull();

    [Fact]
    public void Find_SegmentWithoutSource_MapsNothing()
    {
        // Line 0: column 0 → a.ts 0:0, then column 10 is explicitly unmapped (a 1-field segment).
        var map = Parse("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA,U"}""");
        map.Find(0, 5).ShouldBe(new SourceMap.Original("a.ts", 0, 0, null));
        map.Find(0, 12).ShouldBeNull();
    }

    [Fact]
    public void Find_SegmentsOutOfOrderOnALine_AreSortedFirst()
    {
        // Column 10 → a.ts 2:0 written before column 0 → a.ts 0:0 (relative fields: U,A,E,A then V,A,F,A).
        var map = Parse("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"UAEA,VAFA"}""");
        map.Find(0, 3).ShouldBe(new SourceMap.Original("a.ts", 0, 0, null));
        map.Find(0, 11).ShouldBe(new SourceMap.Original("a.ts", 2, 0, null));
    }

    [Fact]
    public void Find_IndexMap_LooksInTheSectionAtThePosition()
    {
        // Section 1 starts at generated line 0, section 2 at line 2 column 4; each maps its column 0 to its source 0:0.
        var map = Parse("""
            {"version":3,"sections":[
              {"offset":{"line":0,"column":0},"map":{"version":3,"sources":["first.ts"],"names":[],"mappings":"AAAA;AACA"}},
              {"offset":{"line":2,"column":4},"map":{"version":3,"sources":["second.ts"],"names":[],"mappings":"AAAA;AACA"}}]}
            """);
        map.Find(1, 3).ShouldBe(new SourceMap.Original("first.ts", 1, 0, null));
        map.Find(2, 6).ShouldBe(new SourceMap.Original("second.ts", 0, 0, null));
        map.Find(3, 0).ShouldBe(new SourceMap.Original("second.ts", 1, 0, null));
    }

    [Fact]
    public void Parse_SourceRoot_JoinsRelativeSourcesOnly()
    {
        var map = Parse("""{"version":3,"sourceRoot":"webpack://app/","sources":["src/a.ts","/abs/b.ts"],"names":[],"mappings":"AAAA;ACAA"}""");
        map.Find(0, 0)!.Value.Source.ShouldBe("webpack://app/src/a.ts");
        map.Find(1, 0)!.Value.Source.ShouldBe("/abs/b.ts");
    }

    [Theory]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA,!"}""", "not a base64 digit")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAg"}""", "inside a VLQ number")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AA"}""", "has 2 fields")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAAAA"}""", "more than 5 fields")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"ACAA"}""", "names source 1, but the map has 1")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAAA"}""", "names name 0, but the map has 0")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"AADA"}""", "negative original position")]
    [InlineData("""{"version":3,"sources":["a.ts"],"names":[],"mappings":"gggggggggggB"}""", "VLQ number too large")]
    [InlineData("""{"version":2,"sources":["a.ts"],"names":[],"mappings":"AAAA"}""", "not version 3")]
    [InlineData("""{"version":3,"names":[],"mappings":"AAAA"}""", "no 'sources'")]
    [InlineData("""{"version":3,"sources":[1],"names":[],"mappings":"AAAA"}""", "not a string")]
    [InlineData("""{"version":3,"sources":["a.ts"]}""", "no 'mappings'")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"version":3,"sources":["a.ts"],""", "not valid JSON")]
    [InlineData("""{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"version":3,"sections":[]}}]}""", "itself an index map")]
    [InlineData("""{"version":3,"sections":[{"offset":{"line":1,"column":0},"map":{"version":3,"sources":[],"mappings":""}},{"offset":{"line":0,"column":0},"map":{"version":3,"sources":[],"mappings":""}}]}""", "not in order")]
    public void Parse_BrokenMap_IsASourceMapExceptionSayingWhat(string json, string expected)
    {
        var e = Should.Throw<SourceMapException>(() => Parse(json));
        e.Message.ShouldContain(expected);
    }
}

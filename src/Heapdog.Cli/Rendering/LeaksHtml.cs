using System.Globalization;
using System.Net;
using System.Text;
using Heapdog.Leaks;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.SourceMaps;
using Heapdog.Workflows.Sources;

namespace Heapdog.Cli.Rendering;

/// <summary>
/// The <c>--html</c> report: one self-contained file (inline CSS, charts as inline SVG, no script and no network)
/// to paste into an incident channel or attach to a ticket.
/// </summary>
public static class LeaksHtml
{
    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#1d1d1f;padding:0 1em}
        h1{font-size:1.5em}h2{font-size:1.15em;margin:0 0 .3em}
        table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        .suspect{border:1px solid #ccc;border-radius:8px;padding:1em 1.2em;margin:1.2em 0}
        .sev{display:inline-block;border-radius:4px;padding:0 .5em;color:#fff;font-weight:600;margin-right:.5em}
        .high{background:#c62828}.medium{background:#ef6c00}.low{background:#607d8b}
        .kind{color:#555;margin-right:.5em}.expl{font-size:1.05em;margin:.6em 0}
        .charts{display:flex;gap:2em;flex-wrap:wrap}.charts figure{margin:0}figcaption{color:#555;font-size:.9em}
        code{background:#f3f3f3;padding:0 .25em;border-radius:3px}ol.path{font-family:ui-monospace,monospace;font-size:.9em}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{color:#555}dd{margin:0}
        """;

    public static void Write(LeakReport report, TextWriter w, SourceMapResolver? maps = null)
    {
        maps ??= new SourceMapResolver();
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Heapdog leak report</title>");
        w.WriteLine($"<style>{Style}</style></head><body>");
        w.WriteLine("<h1>Heapdog leak report</h1>");
        w.WriteLine($"<p>{report.Snapshots.Count} snapshots of one process, oldest first. New since the first snapshot and still alive: {E(Format.Count(report.NewObjects))} objects, {E(Format.Size(report.NewBytes))}.</p>");
        w.WriteLine("<table><tr><th>#</th><th>snapshot</th><th>heap</th><th>nodes</th></tr>");
        for (int i = 0; i < report.Snapshots.Count; i++)
        {
            var s = report.Snapshots[i];
            w.WriteLine($"<tr><td>S{i + 1}</td><td>{E(Path.GetFileName(s.Source))}</td><td class=\"n\">{E(Format.Size(s.TotalSize))}</td><td class=\"n\">{E(Format.Count(s.NodeCount))}</td></tr>");
        }
        w.WriteLine("</table>");
        w.WriteLine("<figure>" + Chart(report.Snapshots.Select(s => s.TotalSize).ToArray(), Format.Size, "#455a64") + "<figcaption>total heap per snapshot</figcaption></figure>");
        if (report.Suspects.Count == 0) w.WriteLine("<p><strong>No suspects:</strong> nothing grew from one snapshot to the next.</p>");
        int rank = 0;
        foreach (var s in report.Suspects)
        {
            rank++;
            string severity = LeaksResult.SeverityName(s.Severity);
            w.WriteLine("<section class=\"suspect\">");
            w.WriteLine($"<h2>{rank}. <span class=\"sev {severity}\">{severity}</span><span class=\"kind\">{E(LeaksResult.KindName(s.Kind))}</span>{E(s.Title)}</h2>");
            var mapped = LeaksResult.MapLocation(s, maps);
            w.WriteLine($"<p class=\"expl\">{Code(LeaksResult.Explain(s, mapped))}</p>");
            w.WriteLine("<div class=\"charts\">");
            if (s.Counts is { } counts)
                w.WriteLine("<figure>" + Chart(counts, Format.Count, "#1565c0") + $"<figcaption>{E(s.CountUnit)} per snapshot</figcaption></figure>");
            w.WriteLine("<figure>" + Chart(s.Bytes, Format.Size, "#6a1b9a") + "<figcaption>bytes per snapshot</figcaption></figure>");
            w.WriteLine("</div><dl>");
            if (s.AccumulationPoint is { } p) w.WriteLine($"<dt>accumulates in</dt><dd><code>{E(p.ToString())}</code> ({E(s.PropertyPath)})</dd>");
            else w.WriteLine($"<dt>held via</dt><dd>{E(s.PropertyPath)}</dd>");
            if (StoreLocator.Find(s, maps) is { } stored)
                w.WriteLine(stored.Mapped.Original is { } so
                    ? $"<dt>stored at</dt><dd><code title=\"generated: {E(stored.ToString())}\">{E(so.ToString())}</code> <small>({E(stored.ToString())})</small> <code>{E(stored.Site.Text)}</code></dd>"
                    : $"<dt>stored at</dt><dd><code>{E(stored.ToString())}</code> <code>{E(stored.Site.Text)}</code></dd>");
            foreach (var stack in s.AllocatedAt ?? [])
                w.WriteLine($"<dt>allocated at</dt><dd><code>{E(stack.Describe())}</code> ({E(Format.Count(stack.Count))} new objects, {E(Format.Size(stack.Bytes))})</dd>");
            if (s.UntracedObjects is > 0 and var untraced)
                w.WriteLine($"<dt>allocated at</dt><dd>no stack for {E(Format.Count(untraced))} new objects (allocated before tracking began, or moved by the GC after V8's tracker saw them)</dd>");
            // The original source first; the generated position stays on hand as the tooltip and in small print.
            if (s.Location is { } l && mapped.Original is { } o)
                w.WriteLine($"<dt>code</dt><dd><code title=\"generated: {E(l.ToString())}\">{E(o.ToString())}</code> <small>({E(l.ToString())})</small> ({E(l.Label)})</dd>");
            else if (s.Location is { } g) w.WriteLine($"<dt>code</dt><dd><code>{E(g.ToString())}</code> ({E(g.Label)})</dd>");
            if (mapped.Note is { } note) w.WriteLine($"<dt>source map</dt><dd>{E(note)}</dd>");
            w.WriteLine($"<dt>new objects</dt><dd>{E(Format.Count(s.NewObjects))} ({E(Format.Size(s.NewBytes))}): {E(string.Join(", ", s.Classes.Select(c => $"{c.ClassName} ×{Format.Count(c.Count)}")))}</dd>");
            if (s.Holds.Count > 0) w.WriteLine($"<dt>holds</dt><dd>{E(string.Join(", ", s.Holds.Select(c => $"{c.ClassName} ×{Format.Count(c.Count)} ({Format.Size(c.Bytes)})")))}</dd>");
            if (s.Removed is { } removed && removed.Skip(1).Any(r => r > 0))
                w.WriteLine($"<dt>removed between snapshots</dt><dd>{E(string.Join(", ", removed.Skip(1).Select(Format.Count)))}</dd>");
            w.WriteLine("</dl>");
            w.WriteLine($"<details><summary>retainer path from the GC roots ({s.RetainerPath.Count - 1} links)</summary><ol class=\"path\">");
            foreach (var link in s.RetainerPath)
                w.WriteLine($"<li>{(link.Edge is null ? "" : E($"{link.EdgeType} {link.Edge} → "))}{E(link.Object.ToString())}</li>");
            w.WriteLine("</ol></details></section>");
        }
        w.WriteLine("<p style=\"color:#777\">Written by heapdog leaks. Severity rule: docs/leaks.md.</p>");
        w.WriteLine("</body></html>");
    }

    /// <summary>A bar chart of one series, labelled with values and snapshot numbers.</summary>
    private static string Chart(long[] values, Func<long, string> label, string color)
    {
        const int barWidth = 56, gap = 18, height = 120, top = 18, bottom = 20;
        long max = Math.Max(1, values.Max());
        int width = values.Length * (barWidth + gap) + gap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + top + bottom}\" role=\"img\">");
        for (int i = 0; i < values.Length; i++)
        {
            int h = (int)Math.Round(height * (double)Math.Max(0, values[i]) / max);
            int x = gap + i * (barWidth + gap);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + height - h}\" width=\"{barWidth}\" height=\"{h}\" fill=\"{color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height - h - 4}\" font-size=\"11\" text-anchor=\"middle\">{E(label(values[i]))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 15}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">S{i + 1}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Encodes text and shows `backticked` parts as code.</summary>
    private static string Code(string text)
    {
        var parts = text.Split('`');
        var result = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
            result.Append(i % 2 == 1 ? $"<code>{E(parts[i])}</code>" : E(parts[i]));
        return result.ToString();
    }
}

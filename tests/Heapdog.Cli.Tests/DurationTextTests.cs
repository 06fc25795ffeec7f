using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData(" 40S ", 40_000)]
    [InlineData("5", 5_000)] // a bare number is seconds
    public void TryParse_Valid_ReadsMilliseconds(string text, long ms)
    {
        DurationText.TryParse(text, out var value).ShouldBeTrue();
        value.TotalMilliseconds.ShouldBe(ms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("1..2s")]
    [InlineData("99999999999999999d")]
    public void TryParse_Invalid_ReturnsFalse(string text) => DurationText.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(5_000, "5s")]
    [InlineData(600_000, "10m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(86_400_000, "1d")]
    [InlineData(0, "0s")]
    public void Format_Duration_WritesWhatTryParseReadsBack(long ms, string text)
    {
        DurationText.Format(TimeSpan.FromMilliseconds(ms)).ShouldBe(text);
        DurationText.TryParse(text, out var back).ShouldBeTrue();
        back.TotalMilliseconds.ShouldBe(ms);
    }
}

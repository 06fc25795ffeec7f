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
}

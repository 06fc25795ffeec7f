using Heapdog.Monitoring.Analysis;

namespace Heapdog.Monitoring.Tests;

public class SizeTextTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(9_200, "9.20 kB")]
    [InlineData(920_000, "920 kB")]
    [InlineData(17_240_000, "17.2 MB")]
    [InlineData(150_000_000, "150 MB")]
    [InlineData(1_000_000_000, "1.00 GB")]
    [InlineData(1_500_000_000_000, "1.50 TB")]
    [InlineData(-2_500_000, "-2.50 MB")]
    public void Of_Bytes_ThreeSignificantDigitsInDecimalUnits(long bytes, string expected) => SizeText.Of(bytes).ShouldBe(expected);

    [Theory]
    [InlineData(7.2e9, "7.20 GB/h")]
    [InlineData(1.5e6, "1.50 MB/h")]
    [InlineData(-499.6, "-500 B/h")]
    public void Rate_BytesPerHour_SizeWithUnitPerHour(double bytesPerHour, string expected) => Words.Rate(bytesPerHour).ShouldBe(expected);
}

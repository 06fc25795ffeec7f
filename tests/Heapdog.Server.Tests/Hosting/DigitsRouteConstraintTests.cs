using Heapdog.Server.Hosting;

namespace Heapdog.Server.Tests.Hosting;

/// <summary><c>{id:digits}</c>: what the built-in <c>{id:long}</c> accepts beyond plain digits is no id.</summary>
public sealed class DigitsRouteConstraintTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("1", true)]
    [InlineData("007", true)]
    [InlineData("9223372036854775807", true)]
    [InlineData("9223372036854775808", false)]
    [InlineData(" 1", false)]
    [InlineData("1 ", false)]
    [InlineData("+1", false)]
    [InlineData("-1", false)]
    [InlineData("1e3", false)]
    [InlineData("0x1", false)]
    [InlineData("1,000", false)]
    [InlineData("١", false)] // an Arabic-Indic digit one
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsId_PlainAsciiDigitsWithinLongOnly(string? text, bool expected) => DigitsRouteConstraint.IsId(text).ShouldBe(expected);
}

namespace Heapdog.Processes.Tests;

internal static class TestFiles
{
    public static string Read(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", relative));
}

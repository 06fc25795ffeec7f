using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests.Store;

public class StoreAddressTests
{
    [Theory]
    [InlineData("postgresql://hd:s3cret@db.example:6543/heapdog", "postgresql://hd@db.example:6543/heapdog")]
    [InlineData("postgres://hd@10.0.0.5/heapdog", "postgresql://hd@10.0.0.5:5432/heapdog")]
    [InlineData("postgresql://h%40d:p%3Aw@db/fleet?sslmode=require", "postgresql://h%40d@db:5432/fleet")]
    [InlineData("postgresql://hd@localhost/fleet?host=/run/postgresql", "postgresql://hd@:5432/fleet?host=/run/postgresql")]
    [InlineData("Host=db;Port=5433;Username=hd;Password=s3cret;Database=fleet", "postgresql://hd@db:5433/fleet")]
    public void Parse_PostgresqlForms_DisplayWithoutThePassword(string text, string display)
    {
        var address = StoreAddress.Parse(text);
        address.Kind.ShouldBe(StoreAddress.Postgresql);
        address.Display.ShouldBe(display);
        address.ToString().ShouldNotContain("s3cret");
        address.Target.ShouldBe(text);
    }

    [Theory]
    [InlineData("sqlite:/var/lib/heapdog/h.db", "/var/lib/heapdog/h.db")]
    [InlineData("sqlite:///var/lib/heapdog/h.db", "/var/lib/heapdog/h.db")]
    public void Parse_Sqlite_IsTheFullPath(string text, string path)
    {
        var address = StoreAddress.Parse(text);
        (address.Kind, address.Target, address.Display).ShouldBe((StoreAddress.Sqlite, path, path));
    }

    [Theory]
    [InlineData("mysql://hd@db/fleet", "--store takes sqlite:PATH")]
    [InlineData("sqlite:", "needs a file path")]
    [InlineData("postgresql://hd:s3cret@db:5432/", "needs a database name")]
    [InlineData("postgresql://db:5432/fleet", "needs a user name")]
    [InlineData("postgresql://hd:s3cret@db/fleet?password=x", "unknown parameter 'password'")]
    [InlineData("Host=db;Bogus=1;Password=s3cret", "not a PostgreSQL connection string")]
    public void Parse_Bad_SaysWhatWithoutThePassword(string text, string message)
    {
        var e = Should.Throw<FormatException>(() => StoreAddress.Parse(text));
        e.Message.ShouldContain(message);
        e.Message.ShouldNotContain("s3cret");
    }
}

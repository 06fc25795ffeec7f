using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary><c>serve --cert/--key</c>: HTTPS through Kestrel with a self-signed certificate made by the test, trusted by
/// an agent's side (<c>heapdog tokens</c>) through <c>SSL_CERT_FILE</c> and refused without it.</summary>
public sealed class ServeTlsTests
{
    [Fact]
    public async Task Serve_CertAndKey_ServesHttpsThatTrustingClientsReach()
    {
        using var dir = new TempDirectory();
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        string cert = dir.File("cert.pem"), key = dir.File("key.pem");
        await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
        int port = LoopbackPort.Free();
        string https = $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            "--urls", https, "--cert", cert, "--key", key], FleetRig.Environment);

        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(https + "/"), Timeout = TimeSpan.FromSeconds(60) };
        (await client.GetAsync("api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var trusted = await HeapdogCommand.RunAsync(dir.Path, ["tokens", "create", "tls-1", "--server", https],
            environment: new Dictionary<string, string>(FleetRig.Environment) { ["SSL_CERT_FILE"] = cert });
        trusted.ExitCode.ShouldBe(0, trusted.Stderr);
        trusted.Stdout.Trim().Length.ShouldBe(43);
        var untrusted = await HeapdogCommand.RunAsync(dir.Path, ["tokens", "create", "tls-2", "--server", https], environment: FleetRig.Environment);
        untrusted.ExitCode.ShouldBe(6, untrusted.Stderr);
        untrusted.Stderr.ShouldContain("SSL");
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Heapdog.Workflows.Errors;

namespace Heapdog.Server.Hosting;

/// <summary><c>serve --cert/--key</c>: the certificate Kestrel serves <c>https://</c> URLs with (docs/fleet.md, TLS).</summary>
public static class Certificates
{
    /// <summary>Loads a PEM certificate and its PEM private key; one clear line for a file that is missing or not PEM.</summary>
    public static X509Certificate2 Load(string certificate, string? key)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate, key);
            // Exported and read back: a key created from PEM is ephemeral, which TLS on some platforms cannot use.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HeapdogException(e is FileNotFoundException or DirectoryNotFoundException ? ErrorKind.NotFound : ErrorKind.Malformed,
                $"cannot use --cert {certificate} with --key {key}: {e.Message}", e);
        }
    }
}

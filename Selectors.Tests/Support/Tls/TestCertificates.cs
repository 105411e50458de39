using System;
using System.IO;
using System.Threading.Tasks;

namespace Selectors.Tests.Support.Tls;

/// <summary>
/// A throwaway public key infrastructure made with the <c>openssl</c> command line in a temporary directory (deleted
/// by <see cref="Dispose"/>): a test CA, and the server certificates a TLS client must tell apart: one it must accept
/// (<see cref="Localhost"/>) and one for each way validation must fail: another name, expired, and a self-signed
/// certificate no trusted CA vouches for. EC P-256 keys, so making the whole set takes a fraction of a second.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    /// <summary>The extensions of a server certificate for localhost: what a public CA would issue for it.</summary>
    private const string LocalhostExtensions = "subjectAltName=DNS:localhost,IP:127.0.0.1";

    private TestCertificates(string directory)
    {
        Directory = directory;
        CaCertificatePath = Path.Combine(directory, "ca.pem");
        CaKeyPath = Path.Combine(directory, "ca.key");
        Localhost = PairNamed("localhost");
        OtherName = PairNamed("other-name");
        Expired = PairNamed("expired");
        SelfSigned = PairNamed("self-signed");
    }

    /// <summary>The temporary directory that holds every file.</summary>
    public string Directory { get; }

    /// <summary>The test CA's self-signed certificate (<c>ca.pem</c>): the file a client passes as <c>--ca-file</c>.</summary>
    public string CaCertificatePath { get; }

    /// <summary>The test CA's private key.</summary>
    public string CaKeyPath { get; }

    /// <summary>For <c>localhost</c> (SANs <c>DNS:localhost, IP:127.0.0.1</c>), signed by the CA, valid now: accepted.</summary>
    public CertificatePair Localhost { get; }

    /// <summary>For <c>other.example</c> only, signed by the CA: a client that asked for localhost sees a name mismatch.</summary>
    public CertificatePair OtherName { get; }

    /// <summary>For localhost, signed by the CA, valid only for a day in 2020: rejected as not time-valid.</summary>
    public CertificatePair Expired { get; }

    /// <summary>For localhost, but self-signed, by no CA the client trusts: rejected as an untrusted chain.</summary>
    public CertificatePair SelfSigned { get; }

    /// <summary>Makes the CA and every certificate in a new temporary directory.</summary>
    public static async Task<TestCertificates> CreateAsync()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("tls-certificates-").FullName);
        try
        {
            await certificates.MakeAsync();
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static string ServerExtensions(string subjectAltName) =>
        $"subjectAltName={subjectAltName}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n";

    private CertificatePair PairNamed(string name) => new(Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + ".key"));

    private string PathOf(string file) => Path.Combine(Directory, file);

    private async Task MakeAsync()
    {
        await OpenSslCommand.RunAsync(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", CaKeyPath, "-out", CaCertificatePath, "-days", "2", "-subj", "/CN=Selectors test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

        File.WriteAllText(PathOf("localhost.ext"), ServerExtensions("DNS:localhost,IP:127.0.0.1"));
        File.WriteAllText(PathOf("other-name.ext"), ServerExtensions("DNS:other.example"));
        await SignedByCaAsync(Localhost, "localhost", "localhost.ext", serial: "0x1001");
        await SignedByCaAsync(OtherName, "other.example", "other-name.ext", serial: "0x1002");
        await ExpiredAsync();

        await OpenSslCommand.RunAsync(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", SelfSigned.KeyPath, "-out", SelfSigned.CertificatePath, "-days", "2", "-subj", "/CN=localhost",
            "-addext", LocalhostExtensions, "-addext", "extendedKeyUsage=serverAuth");
    }

    private Task RequestAsync(CertificatePair pair, string commonName) => OpenSslCommand.RunAsync(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", pair.KeyPath, "-out", pair.CertificatePath + ".csr", "-subj", "/CN=" + commonName);

    private async Task SignedByCaAsync(CertificatePair pair, string commonName, string extensionsFile, string serial)
    {
        await RequestAsync(pair, commonName);
        await OpenSslCommand.RunAsync(
            "x509", "-req", "-in", pair.CertificatePath + ".csr", "-CA", CaCertificatePath, "-CAkey", CaKeyPath,
            "-set_serial", serial, "-days", "2", "-sha256", "-extfile", PathOf(extensionsFile), "-out", pair.CertificatePath);
    }

    /// <summary>
    /// OpenSSL 3.0 (Debian 12) has no <c>x509 -not_before</c>/<c>-not_after</c> (3.4 added them), and <c>x509 -days</c>
    /// cannot place a validity wholly in the past, so the expired certificate comes from <c>openssl ca</c>, whose
    /// <c>-startdate</c>/<c>-enddate</c> can: a minimal CA configuration with its database in the temporary directory.
    /// </summary>
    private async Task ExpiredAsync()
    {
        string database = PathOf("ca-db");
        System.IO.Directory.CreateDirectory(database);
        File.WriteAllText(Path.Combine(database, "index.txt"), string.Empty);
        File.WriteAllText(Path.Combine(database, "serial"), "1003\n");
        File.WriteAllText(PathOf("ca.cnf"), $"""
            [ca]
            default_ca = test_ca
            [test_ca]
            database = {Path.Combine(database, "index.txt")}
            new_certs_dir = {database}
            serial = {Path.Combine(database, "serial")}
            default_md = sha256
            policy = any_name
            unique_subject = no
            copy_extensions = none
            x509_extensions = server
            [any_name]
            commonName = supplied
            [server]
            {ServerExtensions("DNS:localhost,IP:127.0.0.1")}
            """);
        await RequestAsync(Expired, "localhost");
        await OpenSslCommand.RunAsync(
            "ca", "-batch", "-config", PathOf("ca.cnf"), "-cert", CaCertificatePath, "-keyfile", CaKeyPath,
            "-in", Expired.CertificatePath + ".csr", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
            "-notext", "-out", Expired.CertificatePath);
    }
}

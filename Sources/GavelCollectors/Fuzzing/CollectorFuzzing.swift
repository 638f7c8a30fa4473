import Foundation
import GavelCore

/// Entry points for the coverage-guided fuzz targets (`gavel-fuzz`, `scripts/fuzz.sh`) and
/// their regression tests: each reads one input the way a collector reads a file it was
/// given, and must return (any error is fine) without crashing, hanging or leaking.
@_spi(Fuzzing) public enum CollectorFuzzing {
    /// Files the readers that take a path are pointed at, one per process.
    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "gavel-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = scratch + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// An nginx configuration: read with its includes (only files it names under the
    /// scratch folder exist) and modelled, then written as a snapshot.
    public static func nginxConfig(_ bytes: [UInt8]) {
        let path = file("nginx.conf", bytes)
        var b = SnapshotBuilder(asset: "fuzz", kind: "nginx", host: "fuzz")
        if let data = try? NginxCollector(config: path, version: "1.22.1").collect(into: &b) {
            _ = JSONWriter.string(b.document(data: data))
        }
    }

    /// The output of `nginx -T`, parsed and modelled as `collect nginx --binary` does.
    public static func nginxDump(_ bytes: [UInt8]) {
        guard let (_, _, tree) = try? NginxDump.read(String(decoding: bytes, as: UTF8.self)) else { return }
        var b = SnapshotBuilder(asset: "fuzz", kind: "nginx", host: "fuzz")
        var model = NginxModel(defaults: NginxDefaults(version: "1.22.1"))
        _ = model.build(tree, into: &b)
    }

    /// A configuration file as `collect file` reads it: the first byte picks the format
    /// (json, yaml, ini, keyvalue, env), the rest is the file.
    public static func configFile(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let formats = ConfigFormat.allCases
        let path = file("config", Array(bytes.dropFirst()))
        var b = SnapshotBuilder(asset: "fuzz", kind: "fuzz", host: "fuzz")
        var c = FileCollector(format: formats[Int(first) % formats.count], paths: [path])
        c.listKeys = ["list"]
        if let data = try? c.collect(into: &b) { _ = JSONWriter.string(b.document(data: data)) }
    }

    /// A php.ini, as `collect php --ini` reads it (no scan directory).
    public static func phpIni(_ bytes: [UInt8]) {
        let path = file("php.ini", bytes)
        var b = SnapshotBuilder(asset: "fuzz", kind: "php", host: "fuzz")
        if let data = try? PHPIniCollector(ini: path, scanDirs: [], version: "8.2.7").collect(into: &b) {
            _ = JSONWriter.string(b.document(data: data))
        }
    }

    /// A PHP-FPM pool file beside an empty php.ini.
    public static func fpmPool(_ bytes: [UInt8]) {
        let ini = file("empty.ini", [])
        let pool = file("pool.conf", bytes)
        var b = SnapshotBuilder(asset: "fuzz", kind: "php", host: "fuzz")
        if let data = try? PHPIniCollector(ini: ini, scanDirs: [], fpmPool: pool, version: "8.2.7").collect(into: &b) {
            _ = JSONWriter.string(b.document(data: data))
        }
    }

    /// An sshd_config, reduced to its effective settings as `collect hosting` does.
    public static func sshdConfig(_ bytes: [UInt8]) {
        let settings = SSHDConfig.effective(String(decoding: bytes, as: UTF8.self))
        for (k, v) in settings { _ = SSHDConfig.value(k, v) }
    }

    /// PHP source (wp-config.php, env.php), read without running it, and the layout of the
    /// array it returns as `gavel fix` finds it to edit env.php.
    public static func phpSource(_ bytes: [UInt8]) {
        _ = try? PHPSourceReader.read(bytes, file: "fuzz.php")
        if let layout = try? PHPArrayLayout.returned(in: bytes) {
            // Every range it reports must lie inside the file, in order.
            func check(_ a: PHPArrayLayout) {
                precondition(a.open <= a.close && a.close < bytes.count)
                for e in a.elements {
                    precondition(e.start <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= a.close)
                    if let sub = e.array { check(sub) }
                }
            }
            check(layout)
        }
    }

    /// PHP `serialize()` text, as stored in WordPress options.
    public static func unserialize(_ bytes: [UInt8]) {
        if let v = try? PHPUnserializer.parse(bytes) { _ = SecretRedaction.apply(v) }
    }

    /// A Shopify Admin API GraphQL response body.
    public static func shopifyResponse(_ bytes: [UInt8]) {
        _ = GraphQLResponse.decode(Data(bytes))
    }

    /// A certificate file (PEM or DER), as `collect hosting --cert` reads it.
    public static func x509(_ bytes: [UInt8]) {
        _ = try? X509Certificate.load(bytes)
    }

    /// Any configuration value through the secret classifier and redaction.
    public static func secrets(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.count > 1 ? String(parts[0]) : nil
        _ = SecretRedaction.apply(.object([.init(name ?? "value", .string(String(parts.last ?? "")))]))
    }
}

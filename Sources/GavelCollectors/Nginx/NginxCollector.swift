import Foundation
import GavelCore

/// `gavel collect nginx`: reads the configuration from files (`--config`, following includes
/// the way nginx does) or from the running binary's own dump (`--binary`, `nginx -T`), and
/// writes the raw directive tree plus the derived per-server and per-location model.
public struct NginxCollector {
    public var config: String?
    public var binary: String?
    public var version: String?
    /// With `config`: read files under this directory (a mounted image).
    public var root: String

    public init(config: String? = nil, binary: String? = nil, version: String? = nil, root: String = "/") {
        self.config = config
        self.binary = binary
        self.version = version
        self.root = root
    }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        var version = self.version
        let tree: [NginxDirective]
        let files: [String]
        let unknown: [NginxDirective]
        let main: String
        let source: String
        if let binary {
            source = "binary"
            if version == nil { version = try Self.binaryVersion(binary) }
            var args = ["-T"]
            if let config { args += ["-c", Self.absolute(config)] }
            let r = try Subprocess.run(binary, args)
            guard r.status == 0 else {
                let why = r.stderr.split(separator: "\n").filter { $0.contains("[emerg]") }.joined(separator: "; ")
                throw Diagnostic(.nginxTestFailed, "\(binary) -T rejected the configuration: \(why.isEmpty ? r.stderr : why)")
            }
            let (dump, reader, read) = try NginxDump.read(r.stdout)
            main = dump.main
            tree = read
            files = reader.files
            unknown = reader.unknown
        } else {
            source = "config"
            main = root == "/" ? Self.absolute(config!) : config!
            var reader = NginxConfigReader(prefix: PathNames.folder(of: main), source: NginxDiskFiles(root: root))
            do { tree = try reader.read(main: main) } catch var e as Diagnostic where root != "/" && e.code == .nginxInclude {
                // Name the file read under --root too, not only the machine's path.
                e.message += " (under --root \(root))"
                throw e
            }
            files = reader.files
            unknown = reader.unknown
        }
        var model = NginxModel(defaults: NginxDefaults(version: version))
        let (servers, maps) = model.build(tree, into: &b)
        var seen = Set<String>()
        return .object([
            ("source", .string(source)),
            ("version", version.map { .string($0) } ?? .null),
            ("main_file", .string(main)),
            ("files", .array(files.filter { seen.insert($0).inserted }.map { .string($0) })),
            ("servers", servers),
            ("maps", maps),
            (
                "unknown_directives",
                .array(
                    unknown.map {
                        .object([("name", .string($0.name)), ("file", .string($0.file)), ("line", .integer($0.line))])
                    })
            ),
            ("directives", .array(tree.map(Self.raw))),
        ])
    }

    static func raw(_ d: NginxDirective) -> Value {
        var o: [(String, Value)] = [
            ("directive", .string(d.name)), ("args", .array(d.args.map { .string($0) })),
            ("file", .string(d.file)), ("line", .integer(d.line)),
        ]
        if let inc = d.included { o.append(("included", .array(inc.map { .string($0) }))) }
        if let block = d.block { o.append(("block", .array(block.map(raw)))) }
        return .object(o)
    }

    /// `nginx -v` prints "nginx version: nginx/1.22.1" on stderr.
    static func binaryVersion(_ binary: String) throws -> String? {
        let r = try Subprocess.run(binary, ["-v"])
        let text = r.stderr + r.stdout
        guard let slash = text.range(of: "nginx/") else { return nil }
        return String(text[slash.upperBound...].prefix { !$0.isWhitespace })
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

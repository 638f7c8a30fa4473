import Foundation
import GavelCore

/// `gavel collect wordpress --path ROOT`: wp-config.php (read, never executed), core
/// version, plugins, must-use plugins, themes and file facts. Reading the database (options,
/// active plugins, roles, users) is not implemented yet: `database.collected` is false with
/// the reason, so rules that need it give `error`, never a pass.
public struct WordPressCollector {
    public var path: String

    public init(path: String) { self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw CollectorError("wordpress-path", "\(path) is not a directory")
        }
        var files = WordPressFiles(root: path)
        let config = try files.config()
        let core = files.version()
        let data: Value = .object([
            ("path", .string(path)),
            ("config_file", .string(config.file)),
            ("core", core),
            ("constants", config.constants),
            ("effective", config.effective),
            ("secrets", config.secrets),
            ("table_prefix", config.tablePrefix),
            ("plugins", .array(files.plugins())),
            ("mu_plugins", .array(files.plugins(dir: "wp-content/mu-plugins", mustUse: true))),
            ("themes", .array(files.themes())),
            ("files", files.fileFacts(configFile: config.file)),
            ("database", .object([("collected", false), ("reason", "reading the WordPress database is not implemented yet")])),
        ])
        for (p, f, l) in files.prov { b.source(p, f, l) }
        return data
    }
}

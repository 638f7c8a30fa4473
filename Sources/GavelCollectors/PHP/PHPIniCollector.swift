import Foundation
import GavelCore

/// `gavel collect php --ini FILE`: reads php.ini and its scan directories the way PHP loads
/// them, optionally an FPM pool's overrides on top, and fills every directive PHP defines
/// but the files do not set with PHP's built-in default.
public struct PHPIniCollector {
    public var ini: String
    /// Directories whose `*.ini` files PHP reads after the main file (PHP_INI_SCAN_DIR).
    public var scanDirs: [String]
    public var fpmPool: String?
    public var poolName: String?
    public var sapi: String?
    public var version: String?
    /// Files are read under this directory (a mounted image); paths in the snapshot stay the
    /// machine's own.
    public var root: String

    public init(
        ini: String, scanDirs: [String]? = nil, fpmPool: String? = nil, poolName: String? = nil, sapi: String? = nil, version: String? = nil, root: String = "/"
    ) {
        self.ini = ini
        self.root = root
        let confD = PathNames.join(PathNames.folder(of: ini), "conf.d")
        var isDir: ObjCBool = false
        self.scanDirs = scanDirs ?? (FileManager.default.fileExists(atPath: RootPath.join(root, confD), isDirectory: &isDir) && isDir.boolValue ? [confD] : [])
        self.fpmPool = fpmPool
        self.poolName = poolName
        self.sapi = sapi
        self.version = version
    }

    struct Setting { var value: String; var file: String; var line: Int; var origin: String }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        var settings: [String: Setting] = [:]
        var order: [String] = []
        var arrays: [(key: String, offset: String, value: String, file: String, line: Int)] = []
        var sections: [(name: String, key: String, value: String, file: String, line: Int)] = []
        var extensions: [(name: String, zend: Bool, file: String, line: Int)] = []
        var unresolved: [Value] = []
        var envReads: [Value] = []
        var files: [String] = []

        func set(_ key: String, _ s: Setting) {
            if settings[key] == nil { order.append(key) }
            settings[key] = s
        }

        func load(_ path: String) throws {
            let text = try PHPIniCollector.read(path, root: root)
            var parser = IniParser { settings[$0]?.value }
            let entries: [IniParser.Entry]
            switch parser.parse(text, file: path) {
            case .success(let e): entries = e
            case .failure(let e): throw Diagnostic(.phpIniSyntax, e.message, at: SourceLocation(file: e.file, line: e.line, column: e.column))
            }
            files.append(path)
            for e in entries {
                if let section = e.section {
                    sections.append((section, e.key, e.value, path, e.line))
                } else if let offset = e.offset {
                    arrays.append((e.key, offset, e.value, path, e.line))
                } else if e.key.lowercased() == "extension" || e.key.lowercased() == "zend_extension" {
                    extensions.append((e.value, e.key.lowercased() == "zend_extension", path, e.line))
                } else {
                    set(e.key, Setting(value: e.value, file: path, line: e.line, origin: "file"))
                }
            }
            unresolved += parser.unresolvedConstants.map { .object([("name", .string($0.name)), ("at", .string("\(path):\($0.line)"))]) }
            envReads += parser.environmentReads.map { .object([("name", .string($0.name)), ("at", .string("\(path):\($0.line)"))]) }
        }

        try load(ini)
        for dir in scanDirs where !dir.isEmpty {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: RootPath.join(root, dir)) else {
                throw Diagnostic(.phpScanDir, "cannot read the scan directory \(dir)")
            }
            // PHP sorts with alphasort (byte order in the C locale) and reads only *.ini.
            for name in names.filter({ $0.hasSuffix(".ini") }).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                try load(dir + "/" + name)
            }
        }

        var pool: Value = .null
        if let fpmPool {
            let p = try PHPFPMPool.read(fpmPool, select: poolName, root: root)
            for o in p.overrides { set(o.directive, Setting(value: o.value, file: fpmPool, line: o.line, origin: o.admin ? "fpm-admin" : "fpm")) }
            pool = p.value
            for (key, line) in p.settingLines { b.source("/fpm_pool/settings/" + SnapshotBuilder.pointerToken(key), fpmPool, line) }
        }

        let sapi = self.sapi ?? PHPIniCollector.inferSAPI(self.ini)
        if sapi == "cli" {
            for (k, v) in PHPDefaults.cliHardcoded { set(k, Setting(value: v, file: "", line: 0, origin: "sapi")) }
        }
        var ini: [(String, Value)] = []
        var origin: [(String, Value)] = []
        let names = Set(order).union(PHPDefaults.values.keys).sorted()
        for name in names {
            if let s = settings[name] {
                ini.append((name, .string(s.value)))
                origin.append((name, .string(s.origin)))
                if !s.file.isEmpty { b.source("/ini/" + SnapshotBuilder.pointerToken(name), s.file, s.line) }
            } else {
                let cli = sapi == "cli" ? PHPDefaults.cliDefaults[name] : nil
                ini.append((name, .string(cli ?? PHPDefaults.values[name]!)))
                origin.append((name, "default"))
            }
        }

        var data: [(String, Value)] = [("source", "ini")]
        if let version { data.append(("version", .string(version))) }
        data.append(("sapi", sapi.map { .string($0) } ?? .null))
        data.append(("ini_files", .array(files.map { .string($0) })))
        data.append(("scan_dirs", .array(scanDirs.map { .string($0) })))
        data.append(("ini", .object(ini)))
        data.append(("origin", .object(origin)))
        data.append(
            (
                "extensions",
                .array(
                    extensions.map {
                        .object([("name", .string($0.name)), ("zend", .bool($0.zend)), ("at", .string("\($0.file):\($0.line)"))])
                    })
            ))
        data.append(
            (
                "arrays",
                .array(
                    arrays.map {
                        .object([
                            ("directive", .string($0.key)), ("offset", .string($0.offset)), ("value", .string($0.value)),
                            ("at", .string("\($0.file):\($0.line)")),
                        ])
                    })
            ))
        data.append(
            (
                "sections",
                .array(
                    sections.map {
                        .object([
                            ("section", .string($0.name)), ("directive", .string($0.key)), ("value", .string($0.value)),
                            ("at", .string("\($0.file):\($0.line)")),
                        ])
                    })
            ))
        data.append(("fpm_pool", pool))
        data.append(("unresolved_constants", .array(unresolved)))
        data.append(("environment_reads", .array(envReads)))
        data.append(("defaults_from", .string("PHP \(PHPDefaults.phpVersion) built-in defaults")))
        return .object(data)
    }

    /// Debian's layout names the SAPI in the path: /etc/php/8.2/fpm/php.ini.
    static func inferSAPI(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        if parts.contains("fpm") { return "fpm-fcgi" }
        if parts.contains("cli") { return "cli" }
        if parts.contains("apache2") { return "apache2handler" }
        if parts.contains("cgi") { return "cgi-fcgi" }
        return nil
    }

    static func read(_ path: String, root: String = "/") throws -> String {
        guard let data = FileManager.default.contents(atPath: RootPath.join(root, path)) else {
            throw Diagnostic(.unreadableFile, "cannot read \(RootPath.shown(root, path))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

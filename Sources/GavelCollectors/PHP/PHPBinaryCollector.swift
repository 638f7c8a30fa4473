import Foundation
import GavelCore

/// `gavel collect php --binary PATH`: asks the real PHP for its effective configuration.
/// A CLI binary answers a small script with JSON (`ini_get()` strings, exactly); a binary
/// without `-r` (php-fpm) is asked for `-i`, whose values are as phpinfo displays them
/// (`On`/`Off`, "no value" read as empty). No site code is run either way.
public struct PHPBinaryCollector {
    public var binary: String
    public var ini: String?

    public init(binary: String, ini: String? = nil) {
        self.binary = binary
        self.ini = ini
    }

    static let script = """
        echo "@@gavel@@", json_encode([
          'version' => PHP_VERSION, 'sapi' => PHP_SAPI,
          'loaded' => php_ini_loaded_file(), 'scanned' => php_ini_scanned_files(),
          'ini' => ini_get_all(null, false),
          'extensions' => get_loaded_extensions(false), 'zend_extensions' => get_loaded_extensions(true),
        ]);
        """

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        let base = ini.map { ["-c", $0] } ?? []
        let env = environment()
        let r = try Subprocess.run(binary, base + ["-r", PHPBinaryCollector.script], environment: env)
        if r.status == 0, let m = r.stdout.range(of: "@@gavel@@") {
            return try fromJSON(String(r.stdout[m.upperBound...]))
        }
        let info = try Subprocess.run(binary, base + ["-i"], environment: env)
        guard info.status == 0, info.stdout.contains("PHP Version => ") else {
            throw Diagnostic(.phpBinary, "\(binary) answered neither -r nor -i: \(String((r.stderr + info.stderr).prefix(300)))")
        }
        return PHPBinaryCollector.fromInfo(info.stdout)
    }

    /// PHP gets the minimal environment, plus the variables the given ini file reads with
    /// `${NAME}`: those are the configuration's own inputs, and the ini reader (`collect php
    /// --ini`) takes them from the same environment, so both ways of collecting agree.
    private func environment() -> [String: String] {
        guard let ini, let bytes = FileBytes.read(ini) else { return ChildEnvironment.minimal() }
        return ChildEnvironment.minimal(keeping: PHPBinaryCollector.referencedVariables(bytes))
    }

    /// The NAMEs of `${NAME}` in ini text.
    static func referencedVariables(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == UInt8(ascii: "$"), bytes[i + 1] == UInt8(ascii: "{") else { i += 1; continue }
            var j = i + 2
            while j < bytes.count, bytes[j] != UInt8(ascii: "}"), bytes[j] != 0x0A { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "}"), j > i + 2 {
                names.append(String(decoding: bytes[(i + 2)..<j], as: UTF8.self))
            }
            i = j
        }
        return names
    }

    private func fromJSON(_ text: String) throws -> Value {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Diagnostic(.phpBinary, "\(binary) printed output that is not JSON")
        }
        let iniAll = (obj["ini"] as? [String: Any]) ?? [:]
        let ini = iniAll.keys.sorted().map { k -> (String, Value) in (k, .string((iniAll[k] as? String) ?? "")) }
        let loaded = (obj["loaded"] as? String).map { [$0] } ?? []
        let scanned = ((obj["scanned"] as? String) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
        let zend = Set((obj["zend_extensions"] as? [String]) ?? [])
        let exts =
            ((obj["extensions"] as? [String]) ?? []).map { Value.object([("name", .string($0)), ("zend", false)]) }
            + zend.sorted().map { Value.object([("name", .string($0)), ("zend", true)]) }
        return .object([
            ("source", "binary"),
            ("binary", .string(binary)),
            ("version", .string(obj["version"] as? String ?? "")),
            ("sapi", .string(obj["sapi"] as? String ?? "")),
            ("ini_files", .array((loaded + scanned).map { .string($0) })),
            ("ini", .object(ini)),
            ("extensions", .array(exts)),
        ])
    }

    /// Parses `php -i` text: `directive => local value => master value` lines.
    static func fromInfo(_ text: String) -> Value {
        var version = "", sapi = "", files: [String] = []
        var ini: [(String, Value)] = []
        var seen = Set<String>()
        var extensions: [String] = []
        var scanning = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let parts = line.components(separatedBy: " => ")
            if scanning {
                // Continuation lines of "Additional .ini files parsed".
                if parts.count == 1 && line.hasPrefix("/") {
                    files += line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }; continue
                }
                scanning = false
            }
            if parts.count == 2 {
                switch parts[0] {
                case "PHP Version": if version.isEmpty { version = parts[1] }
                case "Server API": sapi = parts[1] == "FPM/FastCGI" ? "fpm-fcgi" : parts[1] == "Command Line Interface" ? "cli" : parts[1]
                case "Loaded Configuration File": if parts[1] != "(none)" { files.insert(parts[1], at: 0) }
                case "Additional .ini files parsed":
                    if parts[1] != "(none)" { files += parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                    scanning = true
                default: break
                }
            } else if parts.count == 3, parts[0] != "Directive", !parts[0].contains(" "), seen.insert(parts[0]).inserted {
                ini.append((parts[0], .string(parts[1] == "no value" ? "" : parts[1])))
            } else if parts.count == 1, !line.isEmpty, !line.contains(" "), line == line.lowercased(), line.count < 40 {
                extensions.append(line)
            }
        }
        ini.sort { $0.0 < $1.0 }
        return .object([
            ("source", "binary-info"),
            ("version", .string(version)),
            ("sapi", .string(sapi)),
            ("ini_files", .array(files.map { .string($0) })),
            ("ini", .object(ini)),
            ("extensions", .array(extensions.map { .object([("name", .string($0)), ("zend", false)]) })),
        ])
    }
}

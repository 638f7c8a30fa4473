import Foundation
import GavelCore

/// An FPM pool file (`/etc/php/8.2/fpm/pool.d/www.conf`): ini syntax, one `[pool]` section
/// per pool, and `php_value[...]` / `php_admin_value[...]` / `php_flag[...]` /
/// `php_admin_flag[...]` entries that override php.ini for that pool's workers. Flags become
/// "1" or "0" as FPM stores them.
struct PHPFPMPool {
    struct Override { var directive: String; var value: String; var admin: Bool; var line: Int }
    var name: String
    var overrides: [Override]
    var value: Value
    /// Line of each pool setting, for provenance (`/fpm_pool/settings/<key>`).
    var settingLines: [(String, Int)] = []

    static func read(_ path: String, select: String?, root: String = "/") throws -> PHPFPMPool {
        let text = try PHPIniCollector.read(path, root: root)
        var parser = IniParser { _ in nil }
        let entries: [IniParser.Entry]
        switch parser.parse(text, file: path) {
        case .success(let e): entries = e
        case .failure(let e): throw Diagnostic(.phpIniSyntax, e.message, at: SourceLocation(file: e.file, line: e.line, column: e.column))
        }
        var names: [String] = []
        for e in entries { if let h = e.header, !names.contains(h) { names.append(h) } }
        guard !names.isEmpty else { throw Diagnostic(.fpmPool, "\(path) defines no [pool] section") }
        let chosen: String
        if let select {
            guard names.contains(select) else {
                throw Diagnostic(.fpmPool, "\(path) has no pool '\(select)' (pools: \(names.joined(separator: ", ")))")
            }
            chosen = select
        } else {
            guard names.count == 1 else {
                throw Diagnostic(.fpmPool, "\(path) defines \(names.count) pools (\(names.joined(separator: ", "))); choose one with --pool")
            }
            chosen = names[0]
        }
        var overrides: [Override] = []
        var settings: [(String, Value)] = []
        var lines: [(String, Int)] = []
        for e in entries where e.header == chosen {
            let key = e.key.lowercased()
            if let directive = e.offset, ["php_value", "php_admin_value", "php_flag", "php_admin_flag"].contains(key) {
                var value = e.value
                if key.hasSuffix("_flag") {
                    guard let b = flag(value) else {
                        throw Diagnostic(.fpmPool, "\(key)[\(directive)] needs on/off, got '\(value)'", at: SourceLocation(file: path, line: e.line))
                    }
                    value = b ? "1" : "0"
                }
                overrides.append(Override(directive: directive, value: value, admin: key.contains("admin"), line: e.line))
            } else if e.offset == nil, poolSettings.contains(key) {
                settings.removeAll { $0.0 == key }  // a later line wins, as in FPM
                lines.removeAll { $0.0 == key }
                settings.append((key, .string(e.value)))
                lines.append((key, e.line))
            }
        }
        let value: Value = .object([
            ("file", .string(path)),
            ("name", .string(chosen)),
            ("settings", .object(settings)),
            (
                "overrides",
                .array(
                    overrides.map {
                        .object([
                            ("directive", .string($0.directive)), ("value", .string($0.value)), ("admin", .bool($0.admin)),
                            ("at", .string("\(path):\($0.line)")),
                        ])
                    })
            ),
        ])
        return PHPFPMPool(name: chosen, overrides: overrides, value: value, settingLines: lines)
    }

    /// Pool settings worth auditing (who the workers run as, where they listen, limits).
    static let poolSettings: Set<String> = [
        "user", "group", "listen", "listen.owner", "listen.group", "listen.mode", "listen.allowed_clients",
        "pm", "pm.max_children", "pm.max_requests", "security.limit_extensions", "clear_env", "catch_workers_output",
        "access.log", "slowlog", "request_terminate_timeout", "chdir", "chroot",
    ]

    static func flag(_ v: String) -> Bool? {
        switch v.lowercased() {
        case "1", "on", "yes", "true": return true
        case "", "0", "off", "no", "false", "none": return false
        default: return nil
        }
    }
}

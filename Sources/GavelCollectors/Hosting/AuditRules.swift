import Foundation
import GavelCore

/// auditd: installed or not, and the files and directories its rules watch, read from
/// /etc/audit/rules.d/*.rules (what augenrules loads) or, without that folder's rules,
/// /etc/audit/audit.rules. `-w PATH -p PERMS [-k KEY]` and syscall rules with `-F path=` or
/// `-F dir=` both count as watches; `-D` (delete all) before a rule is ignored, `-e 2`
/// (immutable) is recorded.
enum AuditRules {
    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        let installed = ["/sbin/auditd", "/usr/sbin/auditd"].contains { host.exists($0) }
        var files = host.list("/etc/audit/rules.d", matching: "*.rules")
        if files.isEmpty, host.exists("/etc/audit/audit.rules") { files = ["/etc/audit/audit.rules"] }
        var watches: [Value] = []
        var immutable = false
        for file in files {
            guard let text = host.text(file, part: "audit") else { continue }
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard let first = words.first, !first.hasPrefix("#") else { continue }
                func option(_ flag: String) -> String? { words.firstIndex(of: flag).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } }
                if first == "-e", option("-e") == "2" { immutable = true }
                var path: String?
                var perms = option("-p")
                if first == "-w" {
                    path = option("-w")
                } else if first == "-a" || first == "-A" {
                    // -F path=/etc/shadow, -F dir=/var/www, -F perm=wa
                    for (i, w) in words.enumerated() where w == "-F" && i + 1 < words.count {
                        let f = words[i + 1]
                        if f.hasPrefix("path=") || f.hasPrefix("dir=") { path = String(f.split(separator: "=", maxSplits: 1)[1]) }
                        if f.hasPrefix("perm=") { perms = String(f.dropFirst(5)) }
                    }
                }
                guard let path else { continue }
                prov.append(("/audit/watches/\(watches.count)", file, n + 1))
                watches.append(
                    .object([
                        ("path", .string(path)), ("permissions", perms.map { .string($0) } ?? .null),
                        ("key", option("-k").map { .string($0) } ?? .null), ("at", .string("\(file):\(n + 1)")),
                    ]))
            }
        }
        var seen = Set<String>()
        let paths = watches.compactMap { $0["path"]?.stringValue }.filter { seen.insert($0).inserted }
        return .object([
            ("installed", .bool(installed)), ("rules_files", .array(files.map { .string($0) })), ("watches", .array(watches)),
            ("watched_paths", .array(paths.map { .string($0) })), ("immutable", .bool(immutable)),
        ])
    }
}

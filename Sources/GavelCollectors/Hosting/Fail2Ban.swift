import Foundation
import GavelCore

/// fail2ban: installed, and which jails are enabled, read in fail2ban's own order
/// (jail.conf, jail.d/*.conf, jail.local, jail.d/*.local; a later file's setting wins, and
/// `[DEFAULT] enabled` applies to jails that do not say).
enum Fail2Ban {
    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        let installed = ["/usr/bin/fail2ban-server", "/usr/sbin/fail2ban-server"].contains { host.exists($0) }
        let files =
            ["/etc/fail2ban/jail.conf"] + host.list("/etc/fail2ban/jail.d", matching: "*.conf") + ["/etc/fail2ban/jail.local"]
            + host.list("/etc/fail2ban/jail.d", matching: "*.local")
        // Per jail: its own `enabled` if it says (nil: follows [DEFAULT]), and where.
        var enabled: [String: (Bool?, String, Int)] = [:]
        var defaultEnabled = false
        for file in files where host.exists(file) {
            guard let text = host.text(file, part: "fail2ban") else { continue }
            var section = ""
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("#") || t.hasPrefix(";") || t.isEmpty { continue }
                if t.hasPrefix("["), t.hasSuffix("]") {
                    section = String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                    if section != "DEFAULT" && section != "INCLUDES" && enabled[section] == nil { enabled[section] = (nil, file, n + 1) }
                    continue
                }
                guard let eq = t.firstIndex(where: { $0 == "=" || $0 == ":" }), t[..<eq].trimmingCharacters(in: .whitespaces) == "enabled" else { continue }
                let on = ["true", "yes", "1", "on"].contains(t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces).lowercased())
                if section == "DEFAULT" { defaultEnabled = on } else if section != "INCLUDES" { enabled[section] = (on, file, n + 1) }
            }
        }
        let jails = enabled.keys.sorted().filter { enabled[$0]!.0 ?? defaultEnabled }
        for (i, j) in jails.enumerated() { prov.append(("/fail2ban/enabled_jails/\(i)", enabled[j]!.1, enabled[j]!.2)) }
        return .object([("installed", .bool(installed)), ("enabled_jails", .array(jails.map { .string($0) }))])
    }
}

import Foundation
import GavelCore

/// AIDE, the file integrity checker Debian packages: installed, its database initialised
/// (the `database_in` of aide.conf, default /var/lib/aide/aide.db, exists), and a daily run
/// scheduled (Debian's /etc/cron.daily/aide or the dailyaidecheck timer enabled).
enum FileIntegrity {
    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        let installed = ["/usr/bin/aide", "/usr/sbin/aide"].contains { host.exists($0) }
        var database = "/var/lib/aide/aide.db"
        for conf in ["/etc/aide/aide.conf", "/etc/aide.conf"] where host.exists(conf) {
            guard let text = host.text(conf, part: "aide") else { continue }
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("database_in"), let eq = t.firstIndex(of: "=") else { continue }
                var v = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if v.hasPrefix("file:") { v = String(v.dropFirst(5)) }
                database = v
                prov.append(("/integrity/database", conf, n + 1))
            }
            break
        }
        let initialised = host.exists(database) || host.exists(database + ".gz")
        let cron = host.exists("/etc/cron.daily/aide") || host.exists("/etc/cron.daily/dailyaidecheck")
        let timer = host.exists("/etc/systemd/system/timers.target.wants/dailyaidecheck.timer")
        return .object([
            ("aide_installed", .bool(installed)), ("database", .string(database)), ("database_initialised", .bool(initialised)),
            ("scheduled", .bool(cron || timer)),
        ])
    }
}

import Foundation
import GavelCore

/// Time synchronisation, pending updates and unattended-upgrades, and log retention
/// (journald and logrotate): the "is this machine looked after" facts.
enum Maintenance {
    static func timeSync(_ host: inout HostFiles) -> Value {
        var service: String?
        for (name, path) in [("chrony", "/usr/sbin/chronyd"), ("ntpsec", "/usr/sbin/ntpd"), ("systemd-timesyncd", "/lib/systemd/systemd-timesyncd")]
        where host.exists(path) { service = name; break }
        var synchronized: Value = .null
        if let r = host.run("time_sync", "timedatectl", ["show", "-p", "NTPSynchronized", "--value"]), r.status == 0 {
            synchronized = .bool(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        } else if host.exists("/run/systemd/timesync/synchronized") {
            synchronized = true
        }
        // Unknown synchronisation is left out rather than written as null, like the update counts.
        var out: [(String, Value)] = [("service", service.map { .string($0) } ?? .null)]
        if case .bool = synchronized { out.append(("synchronized", synchronized)) }
        return .object(out)
    }

    static func updates(_ host: inout HostFiles, _ prov: inout [(String, String, Int)], now: Date = Date()) -> Value {
        let status = host.text("/var/lib/dpkg/status", part: "updates") ?? ""
        let unattendedInstalled = status.range(of: "Package: unattended-upgrades\nStatus: install ok installed") != nil
        var periodic: [(String, Value)] = []
        for file in host.list("/etc/apt/apt.conf.d") {
            guard let text = host.text(file) else { continue }
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("APT::Periodic::"), let q = t.firstIndex(of: "\"") else { continue }
                let key = String(t.dropFirst(15).prefix { $0 != " " && $0 != "\"" })
                let value = String(t[t.index(after: q)...].prefix { $0 != "\"" })
                periodic.removeAll { $0.0 == key }  // later files win
                periodic.append((key, .string(value)))
                prov.append(("/updates/apt_periodic/" + key, file, n + 1))
            }
        }
        var pending: Value = .null, security: Value = .null, securityPackages: Value = .null
        // `apt list --upgradable`: every installed package with a newer candidate (held-back
        // ones too), read from apt's cache without running its resolver, which on a Debian
        // host with full package lists costs seconds (`apt-get -s upgrade` did, for a count
        // that left held-back updates out). Lines are `name/suite,suite version arch [upgradable from: old]`.
        if let r = host.run("updates", "apt", ["list", "--upgradable", "-o", "Debug::NoLocking=1"], timeout: 120), r.status == 0 {
            let lines = r.stdout.split(separator: "\n").filter { $0.contains("[upgradable from:") }
            let sec = lines.filter { ($0.split(separator: " ").first ?? "").contains("-security") }
            pending = .integer(lines.count)
            security = .integer(sec.count)
            securityPackages = .array(sec.map { .string(String($0.prefix { $0 != "/" })) })
        }
        let lists = host.list("/var/lib/apt/lists").compactMap { try? FileManager.default.attributesOfItem(atPath: host.real($0))[.modificationDate] as? Date }
            .max()
        var out: [(String, Value)] = [
            ("unattended_upgrades_installed", .bool(unattendedInstalled)),
            ("apt_periodic", .object(periodic)),
        ]
        // When apt could not be asked, the counts are absent (not null, not 0), so a rule
        // reading them reports "missing evidence" instead of judging an unknown.
        if case .int = pending { out += [("pending", pending), ("pending_security", security), ("security_packages", securityPackages)] }
        out.append(("package_lists_age_days", lists.map { .integer(Int(now.timeIntervalSince($0) / 86400)) } ?? .null))
        return .object(out)
    }

    /// journald.conf and its drop-ins (later files win), with systemd's defaults.
    static func journald(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        var settings: [String: String] = ["Storage": "auto", "MaxRetentionSec": "0", "SystemMaxUse": "", "Compress": "yes", "ForwardToSyslog": "no"]
        let files =
            ["/etc/systemd/journald.conf"] + host.list("/usr/lib/systemd/journald.conf.d", matching: "*.conf")
            + host.list("/etc/systemd/journald.conf.d", matching: "*.conf")
        for file in files {
            guard let text = host.text(file) else { continue }
            var inJournal = false
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("[") { inJournal = t == "[Journal]"; continue }
                guard inJournal, !t.hasPrefix("#"), !t.hasPrefix(";"), let eq = t.firstIndex(of: "=") else { continue }
                let key = t[..<eq].trimmingCharacters(in: .whitespaces)
                settings[key] = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                prov.append(("/logging/journald/" + key, file, n + 1))
            }
        }
        return .object(settings.keys.sorted().map { ($0, .string(settings[$0]!)) })
    }

    /// How many days of rotated logs logrotate keeps: `rotate` files of one period each
    /// (hourly counts as 1/24 day, monthly as 30 days, yearly as 365), cut by `maxage`;
    /// null when the period is not one logrotate knows.
    static func retentionDays(rotate: Int, period: String, maxage: Int?) -> Value {
        let perDay: [String: Double] = ["hourly": 1.0 / 24, "daily": 1, "weekly": 7, "monthly": 30, "yearly": 365]
        guard let p = perDay[period] else { return .null }
        var days = Int((Double(rotate) * p).rounded(.down))
        if let maxage, maxage >= 0 { days = min(days, maxage) }
        return .integer(days)
    }

    /// journald's MaxRetentionSec in whole days; null when unset or 0 (no time limit; the
    /// journal is then bounded by size only). systemd's units: us, ms, s, min, h, d, w, M
    /// (month, 30.44 days), y (365.25 days); a bare number is seconds.
    static func journaldRetentionDays(_ text: String?) -> Value {
        guard let text, !text.isEmpty else { return .null }
        let units: [(String, Double)] = [
            ("usec", 1e-6), ("us", 1e-6), ("msec", 1e-3), ("ms", 1e-3), ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
            ("minutes", 60), ("minute", 60), ("min", 60), ("m", 60), ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600),
            ("days", 86_400), ("day", 86_400), ("d", 86_400), ("weeks", 604_800), ("week", 604_800), ("w", 604_800),
            ("months", 2_629_800), ("month", 2_629_800), ("M", 2_629_800), ("years", 31_557_600), ("year", 31_557_600), ("y", 31_557_600),
        ]
        var seconds = 0.0
        var rest = Substring(text.replacingOccurrences(of: " ", with: ""))
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let n = Double(digits) else { return .null }
            rest = rest.dropFirst(digits.count)
            let word = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(word.count)
            if word.isEmpty {
                seconds += n
            } else if let u = units.first(where: { $0.0 == word }) {
                seconds += n * u.1
            } else {
                return .null
            }
        }
        return seconds == 0 ? .null : .integer(Int(seconds / 86_400))
    }

    /// logrotate.conf's global rotation and each logrotate.d block's paths, period and count.
    static func logrotate(_ host: inout HostFiles) -> Value {
        func parse(_ text: String, file: String, global: inout [String: String], blocks: inout [Value]) {
            var current: (paths: [String], settings: [String: String], line: Int)?
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard !t.isEmpty, !t.hasPrefix("#") else { continue }
                if t.hasSuffix("{") {
                    current = (t.dropLast().split(separator: " ").map(String.init), [:], n + 1)
                } else if t == "}" {
                    if let c = current {
                        var s = global.merging(c.settings) { _, b in b }
                        s.removeValue(forKey: "include")
                        let period = s["period"] ?? "weekly"
                        let rotate = s["rotate"].flatMap { Int($0) } ?? 0
                        blocks.append(
                            .object([
                                ("paths", .array(c.paths.map { .string($0) })), ("period", .string(period)),
                                ("rotate", .integer(rotate)),
                                ("retention_days", retentionDays(rotate: rotate, period: period, maxage: s["maxage"].flatMap { Int($0) })),
                                ("at", .string("\(file):\(c.line)")),
                            ]))
                    }
                    current = nil
                } else {
                    let words = t.split(separator: " ").map(String.init)
                    var key = words[0], value = words.count > 1 ? words[1] : ""
                    if ["daily", "weekly", "monthly", "yearly", "hourly"].contains(key) { value = key; key = "period" }
                    if current != nil { current!.settings[key] = value } else { global[key] = value }
                }
            }
        }
        var global: [String: String] = [:]
        var blocks: [Value] = []
        if let text = host.text("/etc/logrotate.conf", part: "logrotate") { parse(text, file: "/etc/logrotate.conf", global: &global, blocks: &blocks) }
        for file in host.list("/etc/logrotate.d") {
            if let text = host.text(file) { parse(text, file: file, global: &global, blocks: &blocks) }
        }
        return .object([
            ("installed", .bool(host.exists("/etc/logrotate.conf"))), ("period", .string(global["period"] ?? "weekly")),
            ("rotate", global["rotate"].flatMap { Int($0) }.map { .integer($0) } ?? .null), ("files", .array(blocks)),
        ])
    }
}

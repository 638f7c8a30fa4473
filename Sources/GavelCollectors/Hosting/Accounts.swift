import Foundation
import GavelCore

/// Local accounts that can log in (a real shell in /etc/passwd) and who can use sudo: members
/// of the sudo/admin/wheel groups and the user rules of /etc/sudoers and /etc/sudoers.d
/// (readable only by root; skipped otherwise). No password hashes, no GECOS (personal names).
enum Accounts {
    static let noLogin: Set<String> = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false", "/bin/sync", ""]

    /// sudo's #includedir skips names that end in `~` or contain a `.`.
    static func sudoIncluded(_ path: String) -> Bool {
        let name = PathNames.lastComponent(of: path)
        return !name.hasSuffix("~") && !name.contains(".")
    }

    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        var users: [Value] = []
        for (n, line) in (host.text("/etc/passwd", part: "users") ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7, !noLogin.contains(f[6]) else { continue }
            prov.append(("/users/\(users.count)", "/etc/passwd", n + 1))
            users.append(.object([("name", .string(f[0])), ("uid", .integer(Int(f[2]) ?? -1)), ("home", .string(f[5])), ("shell", .string(f[6]))]))
        }
        var groups: [(String, Value)] = []
        for line in (host.text("/etc/group", part: "sudo") ?? "").split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, ["sudo", "admin", "wheel"].contains(f[0]) else { continue }
            groups.append((f[0], .array(f[3].split(separator: ",").map { .string(String($0)) })))
        }
        var rules: [Value] = []
        var readable = true
        for file in ["/etc/sudoers"] + host.list("/etc/sudoers.d").filter(sudoIncluded) {
            guard host.exists(file) else { continue }
            guard let text = host.text(file, part: "sudo") else { readable = false; continue }
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("Defaults"), !line.hasPrefix("@include"),
                    !["User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias"].contains(where: { line.hasPrefix($0) }),
                    let principal = line.split(separator: " ").first, line.contains("=")
                else { continue }
                rules.append(
                    .object([
                        ("principal", .string(String(principal))), ("rule", .string(line)),
                        ("nopasswd", .bool(line.contains("NOPASSWD"))), ("at", .string("\(file):\(n + 1)")),
                    ]))
            }
        }
        let sudoers: [String] =
            groups.flatMap { $0.1.arrayValue?.compactMap(\.stringValue) ?? [] }
            + rules.compactMap { $0["principal"]?.stringValue }.filter { !$0.hasPrefix("%") && $0 != "root" }
        return .object([
            ("users", .array(users)),
            (
                "sudo",
                .object([
                    ("groups", .object(groups)), ("rules", .array(rules)), ("rules_readable", .bool(readable)),
                    ("users", .array(Array(Set(sudoers)).sorted().map { .string($0) })),
                ])
            ),
        ])
    }
}

/// Mode, owner and type of the files a policy names (`--file`, or the usual sensitive ones).
enum FileModes {
    static let defaults = ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/sshd_config"]

    static func collect(_ paths: [String], _ host: HostFiles) -> Value {
        .array(
            paths.map { path in
                guard let a = try? FileManager.default.attributesOfItem(atPath: host.real(path)) else {
                    return .object([("path", .string(path)), ("exists", false)])
                }
                let mode = (a[.posixPermissions] as? NSNumber)?.intValue ?? 0
                let type =
                    (a[.type] as? FileAttributeType).map { t -> String in
                        switch t {
                        case .typeDirectory: return "directory"
                        case .typeSymbolicLink: return "symlink"
                        case .typeRegular: return "file"
                        default: return "other"
                        }
                    } ?? "other"
                return .object([
                    ("path", .string(path)), ("exists", true), ("type", .string(type)),
                    ("mode", .string(String(format: "%04o", mode))),
                    ("owner", (a[.ownerAccountName] as? String).map { .string($0) } ?? .null),
                    ("group", (a[.groupOwnerAccountName] as? String).map { .string($0) } ?? .null),
                    ("uid", .integer((a[.ownerAccountID] as? NSNumber)?.intValue ?? -1)),
                    ("gid", .integer((a[.groupOwnerAccountID] as? NSNumber)?.intValue ?? -1)),
                    ("world_readable", .bool(mode & 0o004 != 0)), ("world_writable", .bool(mode & 0o002 != 0)),
                    ("group_writable", .bool(mode & 0o020 != 0)),
                ])
            })
    }
}

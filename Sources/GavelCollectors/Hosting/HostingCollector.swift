import Foundation
import GavelCore

/// `gavel collect hosting`: the machine it runs on, read-only. Parts that need root
/// (sshd -T, sudoers, the firewall, other users' sockets) are skipped without it and listed
/// under `skipped` with the reason, so a rule reading them gives `error`, not a false pass.
public struct HostingCollector {
    public var certificates: [String]
    public var files: [String]
    public var root: String
    public var now: Date

    public init(certificates: [String] = [], files: [String]? = nil, root: String = "/", now: Date = Date()) {
        self.certificates = certificates
        self.files = files ?? FileModes.defaults
        self.root = root
        self.now = now
    }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        guard FileManager.default.fileExists(atPath: root) else {
            throw Diagnostic(.hostingRoot, "the root directory \(root) does not exist")
        }
        // A root that is not a machine's (a wrong --root) would give a snapshot of nothing
        // that evaluates as a smaller success: every Linux system has an os-release.
        guard ["/etc/os-release", "/usr/lib/os-release"].contains(where: { FileManager.default.fileExists(atPath: RootPath.join(root, $0)) }) else {
            throw Diagnostic(.hostingRoot, "\(root) does not look like a machine's root: it has neither etc/os-release nor usr/lib/os-release")
        }
        var host = HostFiles(root: root)
        var prov: [(String, String, Int)] = []
        var data: [(String, Value)] = []
        data.append(("os", osRelease(&host, &prov)))
        data.append(
            (
                "kernel",
                .object([
                    ("release", text(&host, "/proc/sys/kernel/osrelease")), ("version", text(&host, "/proc/sys/kernel/version")),
                ])
            ))
        data.append(("hostname", text(&host, "/proc/sys/kernel/hostname")))
        data.append(("collected_as", .object([("uid", .integer(Int(getuid()))), ("root", .bool(getuid() == 0))])))
        data.append(("sshd", SSHDConfig.collect(&host, &prov)))
        data.append(("listening", ListeningSockets.collect(&host, &prov)))
        data.append(("certificates", .array(certificates.map { certificate($0, host) })))
        data.append(("firewall", Firewall.collect(&host)))
        if case .object(let acc) = Accounts.collect(&host, &prov) { data += acc.map { ($0.key, $0.value) } }
        data.append(("files", FileModes.collect(files, host)))
        data.append(("time_sync", Maintenance.timeSync(&host)))
        data.append(("updates", Maintenance.updates(&host, &prov, now: now)))
        let journald = Maintenance.journald(&host, &prov)
        data.append(
            (
                "logging",
                .object([
                    ("journald", journald), ("journald_retention_days", Maintenance.journaldRetentionDays(journald["MaxRetentionSec"]?.stringValue)),
                    ("logrotate", Maintenance.logrotate(&host)),
                ])
            ))
        data.append(("audit", AuditRules.collect(&host, &prov)))
        data.append(("integrity", FileIntegrity.collect(&host, &prov)))
        data.append(("fail2ban", Fail2Ban.collect(&host, &prov)))
        if getuid() != 0 && host.isLiveSystem {
            host.skip("privileges", "not running as root: sudoers, the firewall and other users' processes may be unreadable")
        }
        data.append(("root", .string(root)))
        data.append(("skipped", .array(host.skipped.map { .object([("part", .string($0.part)), ("reason", .string($0.reason))]) })))
        for (p, f, l) in prov { b.source(p, f, l) }
        return .object(data)
    }

    private func text(_ host: inout HostFiles, _ path: String) -> Value {
        host.text(path).map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .null
    }

    /// /etc/os-release (or /usr/lib/os-release): KEY=value lines, values optionally quoted.
    private func osRelease(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        let path = host.exists("/etc/os-release") ? "/etc/os-release" : "/usr/lib/os-release"
        var out: [(String, Value)] = []
        for (n, line) in (host.text(path, part: "os") ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = line[..<eq].lowercased()
            var value = String(line[line.index(after: eq)...])
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q { value = String(value.dropFirst().dropLast()) }
            out.append((key, .string(value)))
            prov.append(("/os/" + key, path, n + 1))
        }
        return .object(out)
    }

    private func certificate(_ path: String, _ host: HostFiles) -> Value {
        guard let bytes = host.bytes(path) else {
            return .object([("path", .string(path)), ("readable", false)])
        }
        do {
            let (certs, holdsKey) = try X509Certificate.load(bytes)
            guard let leaf = certs.first else {
                return .object([("path", .string(path)), ("readable", true), ("error", "no certificate in the file")])
            }
            let f = ISO8601DateFormatter()
            return .object([
                ("path", .string(path)), ("readable", true), ("subject", .string(leaf.subject)), ("issuer", .string(leaf.issuer)),
                ("self_issued", .bool(leaf.selfIssued)), ("self_signed", leaf.selfSigned.map { .bool($0) } ?? .null),
                ("not_before", .string(f.string(from: leaf.notBefore))),
                ("not_after", .string(f.string(from: leaf.notAfter))),
                ("days_left", .integer(Int(floor(leaf.notAfter.timeIntervalSince(now) / 86400)))),
                ("key_type", .string(leaf.keyType)), ("key_bits", leaf.keyBits.map { .integer($0) } ?? .null),
                ("curve", leaf.curve.map { .string($0) } ?? .null), ("signature_algorithm", .string(leaf.signatureAlgorithm)),
                ("dns_names", .array(leaf.dnsNames.map { .string($0) })), ("ip_addresses", .array(leaf.ipAddresses.map { .string($0) })),
                ("serial", .string(leaf.serial)),
                ("sha256", .string(leaf.sha256)), ("chain_length", .integer(certs.count)), ("holds_private_key", .bool(holdsKey)),
            ])
        } catch {
            return .object([
                ("path", .string(path)), ("readable", true),
                ("error", .string("not a certificate: \((error as? X509Certificate.Malformed)?.what ?? "\(error)")")),
            ])
        }
    }
}

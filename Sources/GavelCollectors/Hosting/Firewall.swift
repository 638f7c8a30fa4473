import Foundation
import GavelCore

/// The packet filter in use: nftables (`nft list ruleset`), ufw (`ufw status verbose`) or
/// iptables (`iptables -S`), whichever is installed; each needs root to be read.
enum Firewall {
    static func collect(_ host: inout HostFiles) -> Value {
        var tools: [Value] = []
        if let r = host.run("firewall", "nft", ["list", "ruleset"]) {
            if r.status == 0 {
                let (policy, rules) = nft(r.stdout)
                tools.append(entry("nftables", active: rules > 0 || policy != nil, policy: policy, rules: rules))
            } else {
                host.skip("firewall", "nft list ruleset failed (needs root): \(r.stderr.prefix(120))")
            }
        }
        if let r = host.run("firewall", "ufw", ["status", "verbose"]) {
            if r.status == 0 {
                let active = r.stdout.contains("Status: active")
                let policy = r.stdout.range(of: "Default: ").map { String(r.stdout[$0.upperBound...].prefix { $0 != " " }) }
                tools.append(
                    entry(
                        "ufw", active: active, policy: policy,
                        rules: r.stdout.split(separator: "\n").filter {
                            $0.contains("ALLOW") || $0.contains("DENY") || $0.contains("REJECT") || $0.contains("LIMIT")
                        }.count))
            } else {
                host.skip("firewall", "ufw status failed (needs root)")
            }
        }
        if let r = host.run("firewall", "iptables", ["-S"]) {
            if r.status == 0 {
                let lines = r.stdout.split(separator: "\n")
                let policy = lines.first { $0.hasPrefix("-P INPUT ") }.map { $0.dropFirst(9).lowercased() }
                let rules = lines.filter { $0.hasPrefix("-A ") }.count
                tools.append(entry("iptables", active: rules > 0 || policy == "drop", policy: policy, rules: rules))
            } else {
                host.skip("firewall", "iptables -S failed (needs root)")
            }
        }
        if tools.isEmpty {
            // No tool could be asked (not root, or --root): read the rules that load at boot.
            if let conf = host.text("/etc/nftables.conf") {
                let (policy, rules) = nft(conf)
                tools.append(entry("nftables-config", active: rules > 0 || policy != nil, policy: policy, rules: rules))
            }
            if let conf = host.text("/etc/ufw/ufw.conf") {
                let enabled = conf.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "enabled=yes" }
                let rules = (host.text("/etc/ufw/user.rules") ?? "").split(separator: "\n").filter { $0.hasPrefix("-A ") }.count
                tools.append(entry("ufw-config", active: enabled, policy: nil, rules: rules))
            }
        }
        let active = tools.contains { $0["active"] == true }
        let input = tools.first { $0["active"] == true }?["input_policy"] ?? .null
        return .object([("tools", .array(tools)), ("active", .bool(active)), ("input_policy", input)])
    }

    static func entry(_ tool: String, active: Bool, policy: String?, rules: Int) -> Value {
        .object([("tool", .string(tool)), ("active", .bool(active)), ("input_policy", policy.map { .string($0) } ?? .null), ("rules", .integer(rules))])
    }

    /// The input hook's policy and the number of rules in `nft list ruleset`.
    static func nft(_ text: String) -> (String?, Int) {
        var policy: String?
        var rules = 0
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.contains("hook input") {
                if let r = line.range(of: "policy ") { policy = String(line[r.upperBound...].prefix { $0 != ";" && $0 != " " }) }
                continue
            }
            if line.hasPrefix("type ") || line.hasPrefix("table ") || line.hasPrefix("chain ") || line == "}" || line.isEmpty { continue }
            rules += 1
        }
        return (policy, rules)
    }
}

import Foundation

/// The environment Gavel gives the programs it runs (php, nginx, sshd, mariadb, git): a
/// search path and the C locale, and nothing else unless a caller names it. Gavel's own
/// environment can hold credentials (SHOPIFY_ADMIN_TOKEN, a CI job's secrets) that no
/// child needs to see.
public enum ChildEnvironment {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// PATH (the user's, so their programs are found; it names folders, not secrets) and
    /// LC_ALL=C (messages and number formats the readers expect), plus the variables named in
    /// `keeping` that are set (e.g. HOME, which git needs for its configuration).
    public static func minimal(keeping names: [String] = []) -> [String: String] {
        let own = ProcessInfo.processInfo.environment
        var env = ["PATH": own["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath, "LC_ALL": "C"]
        for n in names { if let v = own[n] { env[n] = v } }
        return env
    }
}

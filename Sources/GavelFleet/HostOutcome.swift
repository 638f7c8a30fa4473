/// How collecting one host (or one Shopify store) ended.
public enum HostOutcome: Sendable, Equatable {
    case ok
    /// No connection: refused, no route, name not resolved, or no answer within connect_timeout.
    case unreachable(String)
    /// The host's key is not the one known_hosts has for it (or it is unknown with
    /// `host_key_checking: strict`): refused, never accepted silently.
    case hostKey(String)
    /// The key or user was refused.
    case authentication(String)
    /// No answer in time: the connection (ssh's banner within connect_timeout) or the whole
    /// collection (the host's `timeout`).
    case timeout(String)
    /// Connected, but the collection failed there (gavel could not run, sudo needs a
    /// password, nginx's configuration unreadable) or sent back something that is not a
    /// complete set of snapshots.
    case failed(String)

    /// The outcome's stable name, as the table, the owner records and the failure snapshots give it.
    public var name: String {
        switch self {
        case .ok: return "ok"
        case .unreachable: return "unreachable"
        case .hostKey: return "host-key-refused"
        case .authentication: return "auth-refused"
        case .timeout: return "timeout"
        case .failed: return "failed"
        }
    }

    public var detail: String {
        switch self {
        case .ok: return ""
        case .unreachable(let s), .hostKey(let s), .authentication(let s), .failed(let s), .timeout(let s): return s
        }
    }

    public var summary: String { detail.isEmpty ? name : "\(name): \(detail)" }

    /// ssh's own failures (it exits 255) from what it printed; anything else ssh printed
    /// with 255 is a failure of the connection.
    static func classifySSH(_ stderr: String) -> HostOutcome {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("@") }
        let text = lines.joined(separator: " ")
        let short = lines.filter { !$0.hasPrefix("Someone could be") && !$0.hasPrefix("It is also possible") && !$0.hasPrefix("Please contact") }
            .suffix(3).joined(separator: " ")
        if text.contains("Host key verification failed") || text.contains("HOST IDENTIFICATION HAS CHANGED") || text.contains("No ED25519 host key is known")
            || text.contains("host key is known")
        {
            return .hostKey(short)
        }
        if text.contains("Permission denied") || text.contains("Too many authentication failures") { return .authentication(short) }
        // A connection never made is the host being down; one made that then says nothing
        // (no SSH banner) is a host that hangs.
        if text.contains("timed out"), !text.contains("connect to host") { return .timeout(short) }
        for s in [
            "Connection timed out", "Connection refused", "No route to host", "Network is unreachable", "Could not resolve hostname",
            "Connection closed by", "Connection reset", "kex_exchange_identification", "Name or service not known",
        ] where text.contains(s) {
            return .unreachable(short)
        }
        return .failed(short.isEmpty ? "ssh exited with status 255" : short)
    }
}

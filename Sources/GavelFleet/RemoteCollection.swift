import Foundation
import GavelCollectors
import GavelCore
import GavelJSON

/// Collecting one host over the system's OpenSSH client: one connection runs a short
/// POSIX shell script on the host that, by default, receives this machine's gavel on
/// standard input into a private temporary folder (`mktemp -d`, mode 0700), runs
/// `gavel collect host -o -` (JSON Lines on standard output) and removes the folder on any
/// exit. With `gavel: PATH` in the inventory the installed binary runs and nothing is sent.
/// Nothing is written on the host outside that folder.
///
/// ssh runs with the user's configuration (or the inventory's `ssh_config`), so jump hosts,
/// agents and known_hosts work as they do by hand, plus `BatchMode=yes` (never a prompt),
/// `StrictHostKeyChecking` from the inventory (`yes` unless it says otherwise for the
/// host), `ConnectTimeout` and keep-alives that notice a connection that died.
public struct RemoteCollection: Sendable {
    public var host: Inventory.Host
    public var sshConfig: String?
    /// The gavel sent to the host in `copy` mode.
    public var binary: String
    public var ssh = "ssh"
    /// What each of the host's output streams may hold (a host with many sites sends a few MB).
    public static let outputLimit = 512 << 20

    public init(host: Inventory.Host, sshConfig: String?, binary: String) {
        self.host = host
        self.sshConfig = sshConfig
        self.binary = binary
    }

    /// What the host sent: its snapshots as (asset, kind, the line's bytes), and the lines
    /// `collect host` printed on stderr (found / skipped).
    public struct Collected: Sendable {
        public var snapshots: [(asset: String, kind: String, json: String)]
        public var log: [String]
    }

    /// The script the host's shell runs; `$1` is `copy` or the installed gavel, `$2` the
    /// time limit in seconds, the rest are `collect host`'s arguments.
    static let script = """
        set -eu
        umask 077
        if [ "$1" = copy ]; then
          d=$(mktemp -d "${TMPDIR:-/tmp}/gavel.XXXXXXXX")
          trap 'rm -rf "$d"' EXIT
          trap 'exit 129' HUP
          trap 'exit 130' INT
          trap 'exit 143' TERM
          cat > "$d/gavel"
          chmod 0700 "$d/gavel"
          g="$d/gavel"
        else
          g="$1"
        fi
        limit="$2"
        shift 2
        t=""
        if command -v timeout >/dev/null 2>&1; then t="timeout -k 5 $limit"; fi
        $t "$g" collect host -o - "$@"
        """

    /// Single-quoted for a POSIX shell.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The remote command line: the script and its arguments, quoted for the login shell.
    func remoteCommand() -> String {
        var args: [String] = []
        switch host.gavel {
        case .copy: args.append("copy")
        case .installed(let p): args.append(p)
        }
        args.append(String(Int(host.timeout.rounded(.up))))
        args += ["--host-name", host.name, "--asset-name", host.assetName.text]
        if let n = host.nginxConfig { args += ["--nginx-config", n] }
        for w in host.wordpress { args += ["--wordpress", w] }
        for m in host.magento { args += ["--magento", m] }
        let words = (host.sudo ? ["sudo", "-n"] : []) + ["/bin/sh", "-c", Self.script, "gavel-collect"] + args
        return words.map(Self.quote).joined(separator: " ")
    }

    /// ssh's arguments.
    public func sshArguments() -> [String] {
        var a: [String] = []
        if let sshConfig { a += ["-F", sshConfig] }
        a += [
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=\(host.hostKeyChecking.sshValue)",
            "-o", "ConnectTimeout=\(Int(host.connectTimeout.rounded(.up)))",
            "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-o", "LogLevel=ERROR",
        ]
        for o in host.sshOptions { a += ["-o", o] }
        if let p = host.port { a += ["-p", String(p)] }
        if let u = host.user { a += ["-l", u] }
        if let i = host.identityFile { a += ["-i", i] }
        a += ["-T", "--", host.address, remoteCommand()]
        return a
    }

    /// Runs the collection; the outcome when it did not give a complete set of snapshots.
    public func run() -> Result<Collected, HostOutcomeError> {
        // ssh gets what it needs to find the user's agent and configuration, nothing else.
        let env = ChildEnvironment.minimal(keeping: ["HOME", "USER", "LOGNAME", "SSH_AUTH_SOCK"])
        let r: Subprocess.Output
        do {
            r = try Subprocess.run(
                ssh, sshArguments(), timeout: host.timeout, environment: env,
                stdin: host.gavel == .copy ? binary : nil, outputLimit: Self.outputLimit)
        } catch let e as Diagnostic {
            if e.id == "program-timeout" { return .failure(HostOutcomeError(.timeout("no result within \(Int(host.timeout)) s (the host's timeout)"))) }
            return .failure(HostOutcomeError(.failed(e.message)))
        } catch {
            return .failure(HostOutcomeError(.failed("\(error)")))
        }
        let log = r.stderr.split(whereSeparator: \.isNewline).map(String.init)
        if r.status == 255 { return .failure(HostOutcomeError(HostOutcome.classifySSH(r.stderr))) }
        if r.status != 0 {
            let lines = log.filter { $0.contains("error") || $0.contains("sudo") || $0.contains("not found") || $0.contains("cannot") }
            let why = (lines.isEmpty ? log : lines).suffix(3).joined(separator: " ")
            let status = r.status == 124 ? "the host's own time limit stopped it" : "exit status \(r.status)"
            return .failure(HostOutcomeError(.failed("collect host on the host failed (\(status))" + (why.isEmpty ? "" : ": \(why)"))))
        }
        return Self.snapshots(r.stdout).map { Collected(snapshots: $0, log: log) }
    }

    /// The JSON Lines a host sent, checked: every line a snapshot/v1 document with an asset
    /// that is a folder name and a kind; no (asset, kind) twice; at least one.
    static func snapshots(_ text: String) -> Result<[(asset: String, kind: String, json: String)], HostOutcomeError> {
        var out: [(asset: String, kind: String, json: String)] = []
        var seen = Set<String>()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let doc = try? JSONDocument.parse(String(line)) else { return .failure(HostOutcomeError(.failed("line \(n + 1) of its output is not JSON"))) }
            let root = doc.rootNode
            guard root.member("gavel")?.string == "snapshot/v1", let asset = root.member("asset")?.string,
                let kind = root.member("kind")?.string
            else {
                return .failure(HostOutcomeError(.failed("line \(n + 1) of its output is not a snapshot/v1 document")))
            }
            guard AssetNameTemplate.safe(asset) == asset, !kind.isEmpty,
                kind.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                return .failure(HostOutcomeError(.failed("line \(n + 1): asset \"\(asset)\" or kind \"\(kind)\" cannot be a file name")))
            }
            guard seen.insert(asset + "\u{0}" + kind).inserted else { return .failure(HostOutcomeError(.failed("it sent two \(kind) snapshots for \(asset)"))) }
            out.append((asset, kind, String(line)))
        }
        if out.isEmpty { return .failure(HostOutcomeError(.failed("it sent no snapshots (the output ended early)"))) }
        return .success(out)
    }
}

public struct HostOutcomeError: Error, Sendable {
    public var outcome: HostOutcome
    public init(_ o: HostOutcome) { outcome = o }
}

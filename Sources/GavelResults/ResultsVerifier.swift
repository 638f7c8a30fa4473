import Foundation
import GavelCore
import GavelJSON

/// `gavel verify`: recomputes a results document's own digest and the SHA-256 of every
/// policy and snapshot file it names, and says what no longer matches.
public struct ResultsVerifier {
    public enum Status: String, Sendable { case ok, changed, missing, unverifiable }

    public struct Check: Sendable {
        public var what: String  // "document", "policy", "snapshot"
        public var path: String
        public var status: Status
        public var detail: String?
    }

    public var checks: [Check] = []
    public var ok: Bool { !checks.contains { $0.status == .changed || $0.status == .missing } }

    /// Throws `Diagnostic` when the file is unreadable or not a results document.
    public init(path: String) throws(Diagnostic) {
        guard let bytes = FileBytes.read(path) else {
            throw Diagnostic(.unreadable, "cannot read \(path)", at: SourceLocation(file: path))
        }
        // Read a part at a time, as `gavel report` reads it: the whole tree of a fleet's
        // document would take gigabytes, and only `run` and the digest are needed (the rest is
        // still checked to be JSON).
        let read: Result<(String?, [Check]), Diagnostic> = bytes.withUnsafeBytes { raw in
            do throws(Diagnostic) {
                let root = try RecordedRoot(raw, file: path)
                guard root["gavel"]?.string == "results/v1", let run = root["run"] else {
                    throw Diagnostic(.badResults, "\(path) is not a gavel results/v1 document", at: SourceLocation(file: path))
                }
                try root.checkUnread()
                return .success((root[ResultsDocument.digestKey]?.string, Self.fileChecks(run)))
            } catch {
                return .failure(error)
            }
        }
        let (recorded, files) = try read.get()
        checks.append(Self.documentCheck(bytes, recorded, path))
        checks += files
    }

    private static func fileChecks(_ run: JSONNode) -> [Check] {
        var checks: [Check] = []
        for f in run.member("policy_files")?.children ?? [] {
            if let p = f.member("path")?.string, let h = f.member("sha256")?.string { checks.append(Self.fileCheck("policy", p, h)) }
        }
        for s in run.member("snapshots")?.children ?? [] {
            guard let p = s.member("source")?.string, let h = s.member("sha256")?.string else { continue }
            if p == "-" || p.hasPrefix("-:") || p.hasPrefix("<stdin>") {
                checks.append(Check(what: "snapshot", path: p, status: .unverifiable, detail: "read from stdin"))
            } else {
                checks.append(Self.fileCheck("snapshot", p, h))
            }
        }
        return checks
    }

    static func documentCheck(_ bytes: [UInt8], _ recorded: String?, _ path: String) -> Check {
        guard let recorded else {
            return Check(what: "document", path: path, status: .missing, detail: "no \(ResultsDocument.digestKey): not written by this Gavel, or cut")
        }
        let actual = contentDigest(bytes) ?? ""
        return actual == recorded
            ? Check(what: "document", path: path, status: .ok, detail: nil)
            : Check(
                what: "document", path: path, status: .changed,
                detail: "content digest \(actual.prefix(16))... does not match the recorded \(recorded.prefix(16))...")
    }

    /// SHA-256 of the bytes before the last `"document_sha256"` key: what a results
    /// document's recorded digest must equal. Nil when the key is not there.
    public static func contentDigest(_ bytes: [UInt8]) -> String? {
        let key = Array("\"\(ResultsDocument.digestKey)\"".utf8)
        var at = bytes.count - key.count
        while at >= 0, !bytes[at..<(at + key.count)].elementsEqual(key) { at -= 1 }
        return at >= 0 ? SHA256.hex(bytes[..<at]) : nil
    }

    static func fileCheck(_ what: String, _ path: String, _ recorded: String) -> Check {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Check(what: what, path: path, status: .missing, detail: "no longer readable")
        }
        let actual = SHA256.hex([UInt8](data))
        return actual == recorded
            ? Check(what: what, path: path, status: .ok, detail: nil)
            : Check(what: what, path: path, status: .changed, detail: "SHA-256 is now \(actual.prefix(16))..., was \(recorded.prefix(16))...")
    }
}

import Foundation
import GavelCore
import GavelJSON

/// Known failures to leave out of a report (`gavel eval --baseline FILE`): a failure is known
/// when the baseline has the same rule, asset and failing evidence (each evidence path with
/// its observed value), so a value that changed is a new failure. A baseline never hides an
/// `error`, and it changes neither the verdicts nor the control roll-up: only what is reported
/// and what decides the exit code.
public struct Baseline: Sendable {
    public struct Key: Hashable, Sendable {
        public var rule: String
        public var asset: String
        public var fingerprint: String
    }

    public var keys: Set<Key>
    public var source: String

    /// The fingerprint of a failing entry: SHA-256 of rule, asset and `path=observed` lines.
    public static func fingerprint(rule: String, asset: String, evidence: [(path: String, observed: Value?)]) -> String {
        let lines = [rule, asset] + evidence.map { "\($0.path)=\($0.observed.map { JSONWriter.string($0) } ?? "-")" }
        return SHA256.hex(Array(lines.joined(separator: "\n").utf8))
    }

    /// Reads a `gavel: baseline/v1` file, or a `gavel: results/v1` document (its failures).
    public static func load(_ path: String) -> Result<Baseline, Diagnostic> {
        func bad(_ m: String, _ line: Int? = nil, _ col: Int? = nil) -> Result<Baseline, Diagnostic> {
            .failure(Diagnostic(.badBaseline, m, at: SourceLocation(file: path, line: line, column: col)))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(.unreadable, "cannot read the baseline", at: SourceLocation(file: path)))
        }
        let v: Value
        do { v = try JSONDocument.parse([UInt8](data)).toValue() } catch { return bad("invalid JSON: \(error.message)", error.line, error.column) }
        var keys: Set<Key> = []
        switch v["gavel"]?.stringValue {
        case "baseline/v1":
            guard let list = v["failures"]?.arrayValue else { return bad("a baseline needs \"failures\": [...]") }
            for f in list {
                guard let rule = f["rule"]?.stringValue, let asset = f["asset"]?.stringValue, let fp = f["fingerprint"]?.stringValue else {
                    return bad("each failure needs \"rule\", \"asset\" and \"fingerprint\"")
                }
                keys.insert(Key(rule: rule, asset: asset, fingerprint: fp))
            }
        case "results/v1":
            for r in v["results"]?.arrayValue ?? [] where r["verdict"]?.stringValue == "fail" {
                guard let rule = r["rule"]?.stringValue, let asset = r["asset"]?.stringValue else { continue }
                let ev = (r["evidence"]?.arrayValue ?? []).map { e in
                    (path: e["path"]?.stringValue ?? "", observed: e["present"] == .bool(false) ? nil : e["observed"])
                }
                keys.insert(Key(rule: rule, asset: asset, fingerprint: fingerprint(rule: rule, asset: asset, evidence: ev)))
            }
        default:
            return bad("not a Gavel baseline: expected \"gavel\": \"baseline/v1\" (from --write-baseline) or a results/v1 document")
        }
        return .success(Baseline(keys: keys, source: path))
    }

    /// The `gavel: baseline/v1` document of every failure in `doc`.
    public static func document(of doc: ResultsDocument) -> Value {
        let f = ISO8601DateFormatter()
        let failures: [Value] = doc.entries.filter { $0.verdict == .fail }.map { e in
            .object([
                ("rule", .string(e.rule)), ("asset", .string(e.asset)), ("fingerprint", .string(e.fingerprint)),
                ("message", e.message.map(Value.string) ?? .null),
            ])
        }
        return .object([
            ("gavel", "baseline/v1"), ("created_at", .string(f.string(from: doc.finishedAt))),
            ("policy_digest", .string(doc.policyDigest)), ("failures", .array(failures)),
        ])
    }
}

extension ResultsDocument.Entry {
    public var fingerprint: String {
        Baseline.fingerprint(rule: rule, asset: asset, evidence: evidence.map { ($0.path, $0.observed) })
    }

    /// Shown in reports and counted for the exit code: every error, and failures the
    /// baseline does not know.
    public var isReported: Bool { verdict == .error || (verdict == .fail && !baselined) }
}

extension ResultsDocument {
    /// Marks the failures the baseline knows; returns how many.
    @discardableResult
    public mutating func apply(_ baseline: Baseline) -> Int {
        var n = 0
        for i in entries.indices where entries[i].verdict == .fail {
            if baseline.keys.contains(Baseline.Key(rule: entries[i].rule, asset: entries[i].asset, fingerprint: entries[i].fingerprint)) {
                entries[i].baselined = true
                n += 1
            }
        }
        baselineSource = baseline.source
        return n
    }

    public var suppressed: Int { entries.reduce(0) { $0 + ($1.baselined ? 1 : 0) } }
}

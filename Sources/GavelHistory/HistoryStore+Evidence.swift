import Foundation
import GavelCore

/// One run's entry of the hash chain with what recomputing its hash needs, for an evidence
/// pack that is verified without the store.
public struct ChainEntry: Sendable {
    public var run: HistoryRun
    /// SHA-256 of the run's per-control rows, as the entry hash covers them.
    public var controlsDigest: String

    public init(run: HistoryRun, controlsDigest: String) {
        self.run = run
        self.controlsDigest = controlsDigest
    }

    /// The entry hash recomputed from the recorded facts.
    public var recomputedHash: String { HistoryStore.entryHash(run, controlsDigest: controlsDigest) }
}

extension HistoryStore {
    /// The runs that started from `since` to `until` (UTC days, inclusive), in start order.
    public func runs(since: Day, until: Day) throws(Diagnostic) -> [HistoryRun] {
        do {
            return try db.run(
                "SELECT \(runColumns()) FROM runs WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id",
                [.text(since.description), .text(until.adding(days: 1).description)]
            ).map(HistoryStore.row)
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }

    /// The per-control rows of `runs`: run -> control -> (verdict, failing or erring assets).
    public func controlVerdicts(runs ids: [Int64]) throws(Diagnostic) -> [Int64: [String: (verdict: String, assets: [String])]] {
        var out: [Int64: [String: (verdict: String, assets: [String])]] = [:]
        // A year of a fleet's nights names the same assets millions of times: each name is
        // kept once and shared, and the rows come a few runs at a time.
        var names: [String: String] = [:]
        func shared(_ s: Substring) -> String {
            let name = String(s)
            if let known = names[name] { return known }
            names[name] = name
            return name
        }
        do {
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(ids.count, start + 25)])
                start += batch.count
                let marks = batch.map { _ in "?" }.joined(separator: ",")
                for r in try db.run("SELECT run, control, verdict, assets_failing FROM control_verdicts WHERE run IN (\(marks))", batch.map { .int($0) }) {
                    let assets = r[3].text ?? ""
                    out[r[0].int, default: [:]][r[1].text ?? ""] = (r[2].text ?? "", assets.isEmpty ? [] : assets.split(separator: ",").map(shared))
                }
            }
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
        return out
    }

    /// The chain's entries from run `from` to run `to`, in order, each with its controls
    /// digest: enough to recompute every hash and link without the store.
    public func chain(from: Int64, to: Int64) throws(Diagnostic) -> [ChainEntry] {
        do {
            let runs = try db.run("SELECT \(runColumns()) FROM runs WHERE id >= ? AND id <= ? ORDER BY id", [.int(from), .int(to)]).map(HistoryStore.row)
            return try runs.map { r in ChainEntry(run: r, controlsDigest: HistoryStore.controlsDigest(try recordedControlRows(r.id))) }
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }
}

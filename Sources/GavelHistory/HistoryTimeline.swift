import Foundation
import GavelCore

/// One control over a period (`gavel history control`): its verdict in every run, and the
/// days in the period on which no run was recorded, so an auditor sees whether the control
/// was checked every night and on which nights it failed.
public struct ControlTimeline: Sendable {
    public struct Point: Sendable {
        public var run: HistoryRun
        /// Nil when the run did not judge the control (no rule mapped to it then).
        public var verdict: Verdict?
        public var assetsFailing: [String]
    }

    public var control: String
    public var since: Day
    public var until: Day
    public var points: [Point]
    /// Days from `since` to `until` (UTC) on which no run started.
    public var daysWithoutRun: [Day]

    public func count(_ v: Verdict) -> Int { points.filter { $0.verdict == v }.count }
}

extension HistoryStore {
    /// Every control id (`framework:id`) any stored run judged.
    public func knownControls() throws(Diagnostic) -> [String] {
        do {
            return try db.run("SELECT DISTINCT control FROM control_verdicts ORDER BY control").map { $0[0].text ?? "" }
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }

    /// The control's verdict in each run that started from `since` to `until` (UTC days,
    /// inclusive), in the order the runs started.
    public func timeline(control: String, since: Day, until: Day) throws(Diagnostic) -> ControlTimeline {
        do {
            let rows = try db.run(
                """
                SELECT \(runColumns("r")), c.verdict, c.assets_failing
                FROM runs r LEFT JOIN control_verdicts c ON c.run = r.id AND c.control = ?
                WHERE r.started_at >= ? AND r.started_at < ? ORDER BY r.started_at, r.id
                """, [.text(control), .text(since.description), .text(until.adding(days: 1).description)])
            var points: [ControlTimeline.Point] = []
            var days = Set<Int>()
            for s in rows {
                let run = HistoryStore.row(s)
                let failing = s[17].text ?? ""
                points.append(
                    .init(
                        run: run, verdict: s[16].text.flatMap(Verdict.init(rawValue:)),
                        assetsFailing: failing.isEmpty ? [] : failing.split(separator: ",").map(String.init)))
                if let d = Day(String(run.startedAt.prefix(10))) { days.insert(d.ordinal) }
            }
            let missing = (since.ordinal...max(since.ordinal, until.ordinal)).filter { !days.contains($0) }.map(Day.init(ordinal:))
            return ControlTimeline(control: control, since: since, until: until, points: points, daysWithoutRun: missing)
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }

    /// Removes the oldest runs that started more than `keepDays` days before `now`, keeping
    /// the chain verifiable: only a prefix of the chain goes, and the last removed run's
    /// hash is kept (with when and how many) as where the chain now starts. Returns how
    /// many runs were removed.
    @discardableResult
    public func prune(keepDays: Int, now: Date = Date()) throws(Diagnostic) -> Int {
        let cutoff = Day(now).adding(days: -keepDays).description
        do {
            return try db.writeTransaction { () throws -> Int in
                // The prefix of runs (by id) that all started before the cutoff.
                let firstKept = try db.run("SELECT MIN(id) FROM runs WHERE started_at >= ?", [.text(cutoff)])[0][0]
                let boundary: Int64
                if firstKept.isNull {
                    let maxID = try db.run("SELECT MAX(id) FROM runs")[0][0]
                    if maxID.isNull { return 0 }
                    boundary = maxID.int + 1
                } else {
                    boundary = firstKept.int
                }
                guard
                    let last = try db.run(
                        "SELECT id, entry_hash, (SELECT COUNT(*) FROM runs WHERE id < ?) FROM runs WHERE id < ? ORDER BY id DESC LIMIT 1",
                        [.int(boundary), .int(boundary)]
                    ).first
                else { return 0 }
                let (through, hash, n) = (last[0].int, last[1].text ?? "", Int(last[2].int))
                try db.run(
                    "INSERT INTO prunes (pruned_at, keep_days, through_run, runs, chain_hash) VALUES (?,?,?,?,?)",
                    [.text(Timestamp.string(now)), .int(Int64(keepDays)), .int(through), .int(Int64(n)), .text(hash)])
                try db.run("DELETE FROM runs WHERE id <= ?", [.int(through)])
                if hasPieces { _ = try collectUnlistedPieces() }
                return n
            }
        } catch { throw Diagnostic(.historyStore, "cannot prune \(path): \(error)") }
    }

    /// Every pruning, oldest first: when, the retention applied, through which run, how many.
    public func prunes() throws(Diagnostic) -> [(at: String, keepDays: Int, throughRun: Int64, runs: Int, chainHash: String)] {
        do {
            return try db.run("SELECT pruned_at, keep_days, through_run, runs, chain_hash FROM prunes ORDER BY id").map {
                ($0[0].text ?? "", Int($0[1].int), $0[2].int, Int($0[3].int), $0[4].text ?? "")
            }
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }
}

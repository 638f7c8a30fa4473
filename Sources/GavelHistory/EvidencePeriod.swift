import Foundation
import GavelCore

/// Which nights a control is expected to have run on over an audit period.
public enum EvidenceSchedule: String, CaseIterable, Sendable {
    case daily
    /// Monday to Friday (UTC days).
    case weekdays

    public func expects(_ day: Day) -> Bool {
        switch self {
        case .daily: return true
        case .weekdays:
            // 1970-01-01 (ordinal 0) was a Thursday: 0 is Sunday, 6 Saturday.
            let weekday = ((day.ordinal + 4) % 7 + 7) % 7
            return weekday != 0 && weekday != 6
        }
    }
}

/// One expected night of the period and the run that stands for it: the last run that
/// started that UTC day, or none (a missed night).
public struct EvidenceNight: Sendable {
    public var day: Day
    public var run: HistoryRun?
    /// How many runs started that day (the last one counts).
    public var runsThatDay: Int
}

/// A control on one night.
public struct ControlNight: Sendable {
    public var day: Day
    public var run: Int64?
    /// `pass`, `fail`, `error`, `not_applicable`, `waived`; `missing` when no run stands for
    /// the night, `not_evaluated` when the night's run did not judge the control.
    public var verdict: String
    public var assets: [String]
}

/// Consecutive expected nights on which a control did not operate: it failed, erred, was
/// not evaluated, or no run stands for the night.
public struct ExceptionSpan: Sendable {
    public var control: String
    public var kind: String
    public var first: Day
    public var last: Day
    public var nights: Int
    /// The assets failing (or erring) on any night of the span.
    public var assets: [String]
    /// The run of the span's first night, whose document says which rules were involved.
    public var firstRun: Int64?
    /// The first later expected night the control passed (or was not applicable) on.
    public var remediatedOn: Day?
    public var daysToRemediate: Int? { remediatedOn.map { first.days(until: $0) } }
}

/// A control's operating effectiveness over the period.
public struct ControlEffectiveness: Sendable {
    public var control: String
    public var nights: [ControlNight]
    public var exceptions: [ExceptionSpan]

    public func count(_ verdict: String) -> Int { nights.filter { $0.verdict == verdict }.count }
    public var expected: Int { nights.count }
    public var evaluated: Int { nights.filter { $0.verdict != "missing" && $0.verdict != "not_evaluated" }.count }
    /// Operated on every expected night: no failure, error, missed or unjudged night.
    public var operatedEffectively: Bool { exceptions.isEmpty }
}

/// Operating effectiveness from the history's per-control rows (no document is parsed).
public enum EvidencePeriod {
    /// The kinds of night that are exceptions.
    static let exceptional: Set<String> = ["fail", "error", "missing", "not_evaluated"]

    public static func effectiveness(
        control: String, nights: [EvidenceNight], rows: [Int64: [String: (verdict: String, assets: [String])]]
    ) -> ControlEffectiveness {
        let judged = nights.map { n -> ControlNight in
            guard let run = n.run else { return ControlNight(day: n.day, run: nil, verdict: "missing", assets: []) }
            guard let row = rows[run.id]?[control] else { return ControlNight(day: n.day, run: run.id, verdict: "not_evaluated", assets: []) }
            return ControlNight(day: n.day, run: run.id, verdict: row.verdict, assets: row.assets)
        }
        var spans: [ExceptionSpan] = []
        var i = 0
        while i < judged.count {
            let kind = judged[i].verdict
            guard exceptional.contains(kind) else {
                i += 1
                continue
            }
            var j = i
            var assets: [String] = []
            while j < judged.count, judged[j].verdict == kind {
                for a in judged[j].assets where !assets.contains(a) { assets.append(a) }
                j += 1
            }
            // A failure or error is remediated on the first later night the control passed (or
            // did not apply); a missed or unjudged night on the first later night it was judged.
            let fixed = judged[j...].first { n in
                kind == "missing" || kind == "not_evaluated"
                    ? n.verdict != "missing" && n.verdict != "not_evaluated"
                    : n.verdict == "pass" || n.verdict == "not_applicable" || n.verdict == "waived"
            }
            spans.append(
                ExceptionSpan(
                    control: control, kind: kind, first: judged[i].day, last: judged[j - 1].day, nights: j - i, assets: assets.sorted(),
                    firstRun: judged[i].run, remediatedOn: fixed?.day))
            i = j
        }
        return ControlEffectiveness(control: control, nights: judged, exceptions: spans)
    }

    /// The expected nights of `since...until` and the run standing for each.
    public static func nights(since: Day, until: Day, schedule: EvidenceSchedule, runs: [HistoryRun]) -> [EvidenceNight] {
        var byDay: [Int: [HistoryRun]] = [:]
        for r in runs {
            if let d = Day(String(r.startedAt.prefix(10))) { byDay[d.ordinal, default: []].append(r) }
        }
        guard since <= until else { return [] }
        return (since.ordinal...until.ordinal).map(Day.init(ordinal:)).filter(schedule.expects).map { d in
            let those = (byDay[d.ordinal] ?? []).sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
            return EvidenceNight(day: d, run: those.last, runsThatDay: those.count)
        }
    }

    /// A reproducible sample of `size` nights that have a run (the auditor's test population):
    /// the same seed and population give the same nights, in date order.
    public static func sample(_ nights: [EvidenceNight], size: Int, seed: UInt64) -> [EvidenceNight] {
        var population = nights.filter { $0.run != nil }
        guard size < population.count else { return population }
        var rng = SplitMix64(seed: seed)
        // A partial Fisher-Yates shuffle: the first `size` are a uniform sample.
        for k in 0..<size {
            let j = k + rng.int(population.count - k)
            population.swapAt(k, j)
        }
        return population.prefix(size).sorted { $0.day < $1.day }
    }
}

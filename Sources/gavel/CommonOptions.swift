import ArgumentParser
import Foundation
import GavelCore

/// `--snapshots`, as `eval` and `diff` read them.
struct SnapshotsOption: ParsableArguments {
    @Option(name: .customLong("snapshots"), help: "Snapshot folder (Snapshots/<asset>/<kind>.json), a snapshot file, or - for JSON Lines on stdin. Repeatable.")
    var snapshots: [String] = []

    func validate() throws { try validateSnapshotInputs(snapshots) }

    /// The inputs as given, or the default folder.
    var inputs: [String] { snapshots.isEmpty ? ["Snapshots"] : snapshots }
}

/// `--as-of`: the day waivers and attestations are judged on.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "Judge waivers and attestations on this day (YYYY-MM-DD, UTC) instead of today.")
    var asOf: String?

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date written YYYY-MM-DD (got '\(asOf)')") }
    }

    var day: Day? { asOf.flatMap(Day.init) }
}

/// `--warn-expiring`: how far ahead lapsing waivers and attestations are warned about.
struct WarnExpiringOption: ParsableArguments {
    @Option(name: .customLong("warn-expiring"), help: "Warn about waivers and attestations that lapse within this many days (0: only expired ones).")
    var warnExpiring: Int = 30

    func validate() throws {
        guard warnExpiring >= 0 else { throw ValidationError("--warn-expiring must be 0 or more days") }
    }
}

/// `--jobs`: worker threads.
struct JobsOption: ParsableArguments {
    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
}

/// `-o`: where a report goes.
struct ReportOutputOption: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "Write the report to this file (atomically) instead of stdout.")
    var output: String?
}

import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelHistory
import GavelReporters
import GavelResults

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate snapshots against the policy set and report per-rule and per-control verdicts.",
        discussion: """
            Example:
              gavel eval --policies Policies --snapshots Snapshots
              gavel eval --snapshots Snapshots --format json --output results.json \\
                  --fail-on high
              cat fleet.jsonl | gavel eval --snapshots -
            """
    )

    @Option(help: "Policy folder (or one policy file).")
    var policies = "Policies"

    @OptionGroup var snapshotInputs: SnapshotsOption

    @Option(
        help:
            "text, json (the results/v1 document), junit, sarif (SARIF 2.1.0), github (workflow-command annotations), markdown, or html (the auditor's report, as gavel report writes it)."
    )
    var format: ResultsFormat = .text

    @OptionGroup var out: ReportOutputOption
    var output: String? { out.output }

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a rule at or above this severity fails or errs (none: the verdicts never decide the exit code).")
    var failOn: FailOn = .atOrAbove(.info)

    @Option(help: "Report only failures this baseline does not know (a file from --write-baseline, or a results.json); errors are always reported.")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Write every current failure to this file (atomically) as a baseline.")
    var writeBaseline: String?

    @OptionGroup var asOf: AsOfOption
    @OptionGroup var expiring: WarnExpiringOption

    @Option(help: "Record this run in a history store (an SQLite file, created on first use); see gavel history.")
    var store: String?

    @Option(name: .customLong("keep-days"), help: "With --store: then prune runs that started more than this many days ago.")
    var keepDays: Int?

    @OptionGroup var workers: JobsOption
    var jobs: Int { workers.jobs }

    @Option(
        help:
            "Evaluate only shard I of N (I/N, e.g. 2/4): the assets whose name's SHA-256 falls in it, the same on every machine; combine the shards' JSON results with gavel merge."
    )
    var shard: String?

    func validate() throws {
        try failOn.check()
        var inputs = InputPaths()
        inputs.add(policies, reading: InputPaths.policyEndings)
        for s in snapshotInputs.inputs { inputs.add(s, reading: InputPaths.snapshotEndings) }
        if let store { inputs.files.append(store) }
        // Refreshing a baseline in place (--baseline b.json --write-baseline b.json) is asked for.
        try inputs.check(writeBaseline, "--write-baseline")
        if let baseline { inputs.files.append(baseline) }
        try inputs.check(output, "--output")
        if let shard {
            guard Shard(shard) != nil else { throw ValidationError("--shard must be I/N with 1 <= I <= N (e.g. 2/4), not '\(shard)'") }
            if store != nil { throw ValidationError("a shard is part of a run: record the merged results (gavel merge, then gavel history add)") }
        }
        if let keepDays {
            guard store != nil else { throw ValidationError("--keep-days needs --store") }
            guard keepDays >= 1 else { throw ValidationError("--keep-days must be at least 1") }
        }
    }

    func run() throws {
        let program = try compileOrExit(policies, showWarnings: false)
        var plan = try snapshotPlanOrExit(snapshotInputs.snapshots)
        if let shard = shard.flatMap(Shard.init) { plan = plan.sharded(shard) }
        let run = Runner.run(program, plan, jobs: jobs)
        let threshold = failOn.threshold
        // A shard of a small fleet may hold no asset: its (empty) results still merge.
        let evaluated = run.evaluatedSomething || (plan.shard != nil && plan.units.isEmpty)
        // The run is handed over: its per-asset outcomes are freed as the entries are made.
        var doc = ResultsDocument(run: consume run, failOn: threshold, asOf: asOf.day, expiringWithin: expiring.warnExpiring)
        try reportExceptions(doc)
        if let baseline {
            switch Baseline.load(baseline) {
            case .success(let b): doc.apply(b)
            case .failure(let e): throw e
            }
        }
        if let writeBaseline { try emit(JSONWriter.string(Baseline.document(of: doc), pretty: true) + "\n", to: writeBaseline) }
        // Recorded before the exit code is decided: failing nights belong in the history.
        var previous: ResultsDocument?
        var jsonWritten = false
        if let store, evaluated {
            let history = try openStoreOrExit(store, create: true)
            if format == .html { previous = try previousRun(in: history, before: doc, bytes: nil) }
            // The document goes to a file first (the --output of --format json, or a
            // temporary file beside the store) and from there into the store, so a large
            // fleet's document is never held whole in memory.
            let pending = HistoryStore.isPostgres(store) ? NSTemporaryDirectory() + "gavel-pending-\(getpid())" : store + ".pending-\(getpid())"
            let file = format == .json && output != nil ? output! : pending + ".json"
            try emitStreaming(to: file) { out in try doc.write(jobs: jobs, to: out) }
            defer { if file != output { unlink(file) } }
            let recorded = try history.append(file: file, doc: doc)
            jsonWritten = file == output
            printError("recorded run #\(recorded.id) in \(store)")
            if let keepDays { try prune(history, keepDays) }
        }
        if !jsonWritten {
            let context = ResultsFormat.Context(
                style: output == nil ? terminalStyle(1) : .plain, jobs: jobs, previous: previous,
                noPreviousRun: previous == nil ? store.map { "\($0) held no run before this one." } : nil)
            try emitStreaming(to: output) { out in try format.write(doc, context, to: out) }
        }
        for e in doc.inputErrors { printError(e.description) }
        for w in Self.kindTypos(rules: program.enabledRules.flatMap(\.kindNames), snapshots: doc.snapshots.map(\.kind)) { printError(w) }
        if !evaluated {
            let kinds = Set(doc.snapshots.map(\.kind)).sorted()
            throw CommandFailure.input(
                .nothingEvaluated,
                "nothing was evaluated: no rule applied to any asset (snapshot kinds present: \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))")
        }
        if !doc.inputErrors.isEmpty { throw Exit.input }
        if let threshold, !doc.failing(atOrAbove: threshold).isEmpty { throw Exit.failing }
    }

    /// Kinds rules read that no snapshot of the run has, whose names are close to a kind the
    /// snapshots do have (and no rule reads): most likely a typo on one side, which would
    /// leave those rules not applicable everywhere.
    static func kindTypos(rules: [String], snapshots: [String]) -> [String] {
        let read = Set(rules), present = Set(snapshots)
        let unread = present.subtracting(read).sorted()
        return read.subtracting(present).sorted().compactMap { kind in
            guard let near = Suggest.closest(to: kind, in: unread) else { return nil }
            return
                "warning[\(DiagnosticID.unknownKind)]: rules read kind '\(kind)', which no snapshot has, and no rule reads the snapshots of kind '\(near)': is one of them misspelt?"
        }
    }
}

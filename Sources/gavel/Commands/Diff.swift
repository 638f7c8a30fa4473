import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelReporters
import GavelResults

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changing the policy set does to the verdicts over the same snapshots.",
        discussion: """
            --base and --head are policy folders or git revisions: a revision reads the head's \
            policy folder (or REV:FOLDER) at that commit without touching the working tree. \
            Each snapshot is parsed once and evaluated by both policy sets.

            Exit 1 when the gate trips: regressions (default: a rule or control that passed on \
            an asset now fails or errs), failures (anything newly failing or erring, new rules \
            too), changes (any change), none.

            Example:
              gavel diff --base origin/main --head Policies --snapshots Snapshots \\
                  --format markdown -o diff.md
              gavel diff --base old-policies --snapshots Snapshots --gate failures \\
                  --fail-on high
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, markdown }

    @Option(help: "The policy set before the change: a folder, a git revision (e.g. origin/main), or REV:FOLDER.")
    var base: String

    @Option(help: "The policy set after the change: a folder or a git revision.")
    var head = "Policies"

    @OptionGroup var snapshotInputs: SnapshotsOption

    @Option(help: "text, json (the diff/v1 document), junit or markdown.")
    var format: Format = .text

    @OptionGroup var out: ReportOutputOption
    var output: String? { out.output }

    @Option(help: "What makes the exit code 1: regressions, failures, changes or none.")
    var gate: PolicyDiff.Gate = .regressions

    @Option(name: .customLong("fail-on"), help: "Only changes to rules at or above this severity trip the gate (none: nothing trips it).")
    var failOn: FailOn = .atOrAbove(.info)

    @OptionGroup var asOf: AsOfOption
    @OptionGroup var expiring: WarnExpiringOption

    @OptionGroup var workers: JobsOption

    func validate() throws {
        try failOn.check()
        var inputs = InputPaths()
        inputs.add(head, reading: InputPaths.policyEndings)
        inputs.add(base, reading: InputPaths.policyEndings)
        for s in snapshotInputs.inputs { inputs.add(s, reading: InputPaths.snapshotEndings) }
        try inputs.check(output, "--output")
    }

    func run() throws {
        let folder = FileManager.default.fileExists(atPath: head) ? head : "Policies"
        let sources: (base: PolicySource, head: PolicySource)
        do {
            let b = try PolicySource.resolve(base, folder: folder)
            do { sources = (b, try PolicySource.resolve(head, folder: "Policies")) } catch { b.cleanUp(); throw error }
        } catch {
            // A revision that is not one, or git failing: a usage error.
            throw CommandFailure(Exit.usage, text: (error as? Diagnostic)?.description ?? Diagnostic(.policySource, "\(error)").description)
        }
        defer { sources.base.cleanUp(); sources.head.cleanUp() }
        let baseProgram = try compile(sources.base, role: "base")
        let headProgram = try compile(sources.head, role: "head")
        let plan = try snapshotPlanOrExit(snapshotInputs.snapshots)
        let runs = Runner.run([baseProgram, headProgram], plan, jobs: workers.jobs)
        let day = asOf.day
        let baseDoc = ResultsDocument(run: runs[0], failOn: nil, asOf: day, expiringWithin: 0)
        let headDoc = ResultsDocument(run: runs[1], failOn: nil, asOf: day, expiringWithin: expiring.warnExpiring)
        do { try reportExceptions(baseDoc, warnings: false, display: sources.base.display) } catch let f as CommandFailure {
            throw CommandFailure(f.exit, text: f.text + "\n(in the base policy set \(sources.base.label))")
        }
        try reportExceptions(headDoc, display: sources.head.display)
        let diff = PolicyDiff(
            base: baseDoc, head: headDoc,
            baseLabel: sources.base.label, headLabel: sources.head.label,
            baseCommit: sources.base.commit, headCommit: sources.head.commit)
        let text: String
        switch format {
        case .text: text = DiffTextReporter(style: output == nil ? terminalStyle(1) : .plain).render(diff)
        case .json: text = diff.json(gate: gate, failOn: failOn.threshold)
        case .junit: text = DiffJUnitReporter(gate: gate, failOn: failOn.threshold).render(diff)
        case .markdown: text = DiffMarkdownReporter().render(diff)
        }
        try emit(text, to: output)
        for e in runs[1].inputErrors { printError(e.description) }
        if !runs[0].evaluatedSomething && !runs[1].evaluatedSomething {
            throw CommandFailure.input(.nothingEvaluated, "nothing was evaluated: no rule of either policy set applied to any asset")
        }
        if !runs[1].inputErrors.isEmpty { throw Exit.input }
        let tripped = diff.tripped(gate, atOrAbove: failOn.threshold)
        let n = tripped.verdicts.count + tripped.controls.count + tripped.rules.count
        if n > 0 {
            throw CommandFailure(Exit.failing, text: "gavel diff: \(n) change\(n == 1 ? "" : "s") trip the '\(gate.rawValue)' gate at --fail-on \(failOn)")
        }
    }

    private func compile(_ source: PolicySource, role: String) throws -> Program {
        do { return try compileOrExit(source.path, showWarnings: false, display: source.display) } catch let f as CommandFailure {
            throw CommandFailure(f.exit, text: f.text + "\n(in the \(role) policy set \(source.label))")
        }
    }
}

extension PolicyDiff.Gate: ExpressibleByArgument {}

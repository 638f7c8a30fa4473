import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelReporters
import GavelResults

/// Exit codes (docs/CLI.md).
enum Exit {
    static let failing = ExitCode(1)
    static let usage = ExitCode(2)
    static let input = ExitCode(3)
}

func printError(_ s: String, newline: Bool = true) {
    FileHandle.standardError.write(Data((s.hasSuffix("\n") || !newline ? s : s + "\n").utf8))
}

func terminalStyle(_ fd: Int32) -> Style {
    Style(enabled: isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
}

/// Compiles the policy set and prints its warnings to stderr; on errors, stops with exit 2
/// and the diagnostics. `display` renames file paths in what is printed (a git revision's
/// temporary copy).
func compileOrExit(_ path: String, showWarnings: Bool = true, display: (String) -> String = { $0 }) throws -> Program {
    let out = Compiler.compile(path: path)
    let shown = out.diagnostics.filter { showWarnings || $0.level == .error }
    guard let program = out.program else {
        throw CommandFailure.rendered(Exit.usage, display(out.renderer.render(shown)), count: out.errors.count, in: display(path))
    }
    if !shown.isEmpty { printError(display(out.renderer.render(shown)) + "\n") }
    return program
}

/// Writes to `--output` atomically, or to stdout.
func emit(_ text: String, to output: String?) throws {
    if let output {
        do { try AtomicFile.write(text, to: output) } catch {
            throw CommandFailure.input(.output, "\(error)")
        }
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Like `emit`, for output made piece by piece (a large results document): UTF-8 streamed
/// to the file (atomically) or to stdout, never held whole.
func emitStreaming(to output: String?, _ body: (_ out: ([UInt8]) throws -> Void) throws -> Void) throws {
    if let output {
        do {
            try AtomicFile.write(to: output) { write in
                try withoutActuallyEscaping(write) { w in try body { try w(Data($0)) } }
            }
        } catch {
            throw CommandFailure.input(.output, "\(error)")
        }
    } else {
        try body { FileHandle.standardOutput.write(Data($0)) }
    }
}

/// `emitStreaming` for a reporter that hands out its output as strings, a piece at a time.
func emitPieces(to output: String?, _ render: (_ emit: (String) throws -> Void) throws -> Void) throws {
    try emitStreaming(to: output) { write in
        try withoutActuallyEscaping(write) { write in try render { try write(Array($0.utf8)) } }
    }
}

extension Severity: ExpressibleByArgument {}
extension ResultsFormat: ExpressibleByArgument {}

/// Prints lapsing waivers and attestations as warnings, and stops with exit 2 when a waiver
/// names an asset the run does not have.
func reportExceptions(_ doc: ResultsDocument, warnings: Bool = true, display: (String) -> String = { $0 }) throws {
    if warnings { for line in doc.lapsing { printError("warning: " + display(line)) } }
    guard !doc.policyErrors.isEmpty else { return }
    let rendered = display(DiagnosticRenderer().render(doc.policyErrors))
    throw CommandFailure.rendered(Exit.usage, rendered, count: doc.policyErrors.count, in: "the waivers")
}

/// The snapshot plan for `--snapshots` (default `Snapshots`); stops with exit 3, after the
/// reasons, when it holds nothing to evaluate.
func snapshotPlanOrExit(_ snapshots: [String]) throws -> SnapshotPlan {
    let inputs = snapshots.isEmpty ? ["Snapshots"] : snapshots
    let plan = SnapshotPlan.make(inputs)
    if plan.units.isEmpty && !plan.readsStream {
        let reasons = plan.errors.map { $0.description + "\n" }.joined()
        let none = Diagnostic(.nothingEvaluated, "no snapshots to evaluate in \(inputs.joined(separator: ", "))")
        throw CommandFailure(Exit.input, text: reasons + none.description)
    }
    return plan
}

/// The policy folder of `gavel check` and `gavel test`: an argument, or `--policies` as
/// `eval` and `explain` spell it (one or the other).
struct PolicyFolder: ParsableArguments {
    @Argument(help: "Policy folder (or one policy file). (default: Policies)")
    var path: String?

    @Option(name: .customLong("policies"), help: "The policy folder, as eval and explain name it (instead of the argument).")
    var policies: String?

    var folder: String { policies ?? path ?? "Policies" }

    func validate() throws {
        if path != nil && policies != nil {
            throw ValidationError("give the policy folder once: as the argument or with --policies")
        }
    }

    /// `--output` of check and test must not replace a policy file or land among them.
    func check(output: String?) throws {
        var inputs = InputPaths()
        inputs.add(folder, reading: InputPaths.policyEndings)
        try inputs.check(output, "--output")
    }
}

import ArgumentParser
import Foundation
import GavelCore
import GavelHistory
import GavelReporters

struct Evidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Evidence of a period (SOC 2 Type II) from the history: per-control operating effectiveness, exceptions, a sample, a pack to verify offline.",
        subcommands: [EvidencePackCommand.self, EvidenceVerify.self],
        defaultSubcommand: EvidencePackCommand.self
    )
}

struct EvidencePackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Write the evidence pack of a period.",
        discussion: """
            For each control: the nights expected over the period (--schedule), the nights \
            evaluated, passed, failed, erred and missed, and each exception as a span with its \
            assets, rules and time to remediate; the population of nights (CSV), a sample \
            (--sample N --seed X, reproducible, or --dates FILE, one YYYY-MM-DD per line) with the \
            stored results document of each sampled night and the chain entries that tie it to \
            the period's last run; an HTML summary, CSV for workpapers, and a manifest. The same \
            store, period and sample give the same bytes. See docs/CLI.md#gavel-evidence.

            Examples:
              gavel evidence --store history.sqlite --period 2026-01-01..2026-12-31 \\
                  --framework soc2 --sample 25 --seed 20261231 -o evidence-2026
              gavel evidence verify evidence-2026 --head 7d340cd08d81
            """)

    @OptionGroup var options: StoreOption
    @Option(help: "The period, FIRST..LAST (UTC days, both included).") var period: String
    @Option(name: .customLong("control"), help: "A control to report (framework:id; repeatable; default: every control of the period's last run).")
    var controls: [String] = []
    @Option(help: "Only the controls of this framework (soc2, hipaa, iso27001-2022, ...).") var framework: String?
    @Option(help: "The nights the controls are expected to run: daily or weekdays.") var schedule: String = "daily"
    @Option(help: "Draw a sample of this many nights (with --seed).") var sample: Int?
    @Option(help: "The sample's seed: the same seed gives the same nights.") var seed: UInt64?
    @Option(help: "The auditor's sample: a file with one date (YYYY-MM-DD) per line.") var dates: String?
    @Option(name: [.short, .customLong("output")], help: "The folder to write the pack into (replaced only if it is an evidence pack).") var output: String

    func parsedPeriod() throws -> (Day, Day) {
        let parts = period.components(separatedBy: "..")
        guard parts.count == 2, let a = Day(parts[0]), let b = Day(parts[1]) else {
            throw ValidationError("--period must be FIRST..LAST, two YYYY-MM-DD days (got '\(period)')")
        }
        guard a <= b else { throw ValidationError("--period \(period) ends before it starts") }
        return (a, b)
    }

    func validate() throws {
        _ = try parsedPeriod()
        guard EvidenceSchedule(rawValue: schedule) != nil else { throw ValidationError("--schedule must be daily or weekdays (got '\(schedule)')") }
        if (sample == nil) != (seed == nil) { throw ValidationError("--sample and --seed go together: a sample is reproducible only from its seed") }
        if sample != nil, dates != nil { throw ValidationError("--sample and --dates are two ways to choose the sample: give one") }
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
        try options.checkFolder(output)
    }

    func run() throws {
        let (since, until) = try parsedPeriod()
        let store = try openStoreOrExit(options.store)
        var pack = EvidencePack(store: store, since: since, until: until)
        pack.schedule = EvidenceSchedule(rawValue: schedule)!
        pack.controls = controls
        pack.framework = framework
        if let sample, let seed { pack.sampling = .random(size: sample, seed: seed) }
        if let dates {
            guard let text = try? String(contentsOfFile: dates, encoding: .utf8) else { throw CommandFailure.input(.badDate, "cannot read --dates \(dates)") }
            var days: [Day] = []
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.isEmpty || t.hasPrefix("#") { continue }
                guard let d = Day(t) else {
                    throw CommandFailure.input(.badDate, "'\(t)' is not a YYYY-MM-DD day", at: SourceLocation(file: dates, line: n + 1, column: 1))
                }
                days.append(d)
            }
            guard !days.isEmpty else { throw CommandFailure.input(.badDate, "--dates \(dates) names no day") }
            pack.sampling = .dates(days)
        }
        let built: EvidencePack.Built
        do {
            built = try pack.build()
        } catch {
            // A control or a date the user named that the period does not have: a usage error.
            let usage = [DiagnosticID.unknownControl.rawValue, DiagnosticID.badDate.rawValue].contains(error.id)
            if usage { throw CommandFailure(Exit.usage, text: error.description) }
            throw error
        }
        try AtomicFolder.write(to: output, replaceable: { EvidenceVerifier.isPack($0) }) { write in
            for f in built.files { try write(f.path, try pack.contents(f)) }
        }
        let exceptions = built.controls.reduce(0) { $0 + $1.exceptions.count }
        let effective = built.controls.filter(\.operatedEffectively).count
        printError(
            "gavel evidence: \(built.nights.count) expected nights, \(built.nights.filter { $0.run == nil }.count) missed; \(built.controls.count) controls, "
                + "\(effective) operated effectively, \(exceptions) exception span\(exceptions == 1 ? "" : "s"); \(built.sample.count) sampled; "
                + "\(built.files.count) files in \(output); head \(built.headHash)")
    }
}

struct EvidenceVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an evidence pack without the store: files, chain entries, sampled documents.",
        discussion: """
            Exit 0 when intact, 1 naming each file that changed, is missing or is not listed, each \
            chain entry that no longer hashes or links, and each sampled document that is not the \
            one its run recorded. --head compares the pack's head with the one you hold.

            Example:
              gavel evidence verify evidence-2026 --head 7d340cd08d81
            """)
    @Argument(help: "The pack's folder.") var folder: String
    @Option(help: "The head hash you hold (12 to 64 hex digits), e.g. from gavel history verify.") var head: String?

    func validate() throws {
        if let head, head.count < 12 || head.count > 64 || !head.allSatisfy(\.isHexDigit) {
            throw ValidationError("--head must be 12 to 64 hex digits of a head hash (got '\(head)')")
        }
    }

    func run() throws {
        let problems = EvidenceVerifier.verify(folder, head: head)
        var out = problems.map { "CHANGED  \($0)\n" }.joined()
        out += problems.isEmpty ? "verified: \(folder) is intact\n" : "\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(folder)\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if !problems.isEmpty { throw Exit.failing }
    }
}

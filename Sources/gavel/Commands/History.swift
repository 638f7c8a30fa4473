import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelHistory
import GavelReporters
import GavelResults

struct StoreOption: ParsableArguments {
    @Option(
        help:
            "The history store: an SQLite file (gavel eval --store creates it), or a PostgreSQL database, postgresql://USER@HOST[:PORT]/DB (the password from PGPASSWORD, PGPASSFILE or ~/.pgpass; postgresql: alone takes everything from the PG* environment)."
    )
    var store = "gavel-history.sqlite"

    /// A report written over the store (or its write-ahead log) would destroy the history.
    func check(_ output: String?) throws {
        try InputPaths(files: [store, store + "-wal", store + "-shm", store + "-journal"]).check(output, "--output")
    }

    /// The same for a folder written whole (an evidence pack): it may not hold the store.
    func checkFolder(_ output: String) throws {
        try InputPaths(files: [store, store + "-wal", store + "-shm", store + "-journal"]).checkFolder(output, "--output")
    }
}

/// Opens the store (a `Diagnostic`, exit 3, when it cannot be).
func openStoreOrExit(_ path: String, create: Bool = false) throws -> HistoryStore {
    try HistoryStore(path: path, create: create)
}

/// The run recorded before `doc` in the store: the one before it in the chain when `doc` is
/// stored there, else the last that started before it.
func previousRun(in store: HistoryStore, before doc: ResultsDocument, bytes: [UInt8]?) throws -> ResultsDocument? {
    let runs = try store.runs()
    let digest = bytes.map(SHA256.hex)
    let prior: HistoryRun?
    if let i = runs.firstIndex(where: { $0.documentSHA256 == digest }) {
        prior = i > 0 ? runs[i - 1] : nil
    } else {
        let started = Timestamp.string(doc.startedAt)
        prior = runs.last { $0.startedAt < started }
    }
    guard let prior else { return nil }
    return try store.document(prior.id)
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The history of runs: list, verify the hash chain, compare runs, follow a control, prune.",
        discussion: """
            Runs are recorded with gavel eval --store PATH (or gavel history add RESULTS.json). \
            Each keeps its complete results document and the hash of the run before it.

            Example:
              gavel eval --store history.sqlite --fail-on none
              gavel history --store history.sqlite
              gavel history verify --store history.sqlite
              gavel history control soc2:CC6.1 --since 2026-06-01 --store history.sqlite
            """,
        subcommands: [
            HistoryList.self, HistoryAdd.self, HistoryVerify.self, HistoryDiff.self, HistoryControl.self, HistoryPrune.self, HistoryMigrate.self,
        ],
        defaultSubcommand: HistoryList.self
    )
}

struct HistoryList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the recorded runs, oldest first.",
        discussion: "Example:\n  gavel history list --store history.sqlite")
    @OptionGroup var options: StoreOption

    func run() throws {
        let store = try openStoreOrExit(options.store)
        let runs = try store.runs()
        var out = ""
        for r in runs {
            out += "#\(r.id)  \(r.startedAt)  \(r.assets) assets  \(r.pass) pass, \(r.fail) fail, \(r.error) error, \(r.waived) waived  "
            out += "\(r.controlsFailing) controls failing  policy \(r.policyDigest.prefix(12))  chain \(r.entryHash.prefix(12))\n"
        }
        for p in (try store.prunes()) {
            out += "pruned \(p.runs) run\(p.runs == 1 ? "" : "s") through #\(p.throughRun) on \(p.at) (keeping \(p.keepDays) days)\n"
        }
        out += "\(runs.count) run\(runs.count == 1 ? "" : "s") in \(options.store)\n"
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct HistoryAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Record a results document (from gavel eval --format json) as the next run.",
        discussion: """
            A document that no longer matches its own SHA-256, or that is already recorded, is \
            refused (exit 3). The run keeps the document's own start and finish times \
            (recorded_at is when it was added), so archived nights keep their real dates; with \
            --in-time-order a document that started before the newest recorded run is refused \
            too, so that an import of archived nights goes oldest first.

            Example:
              gavel eval --format json -o results.json --fail-on none
              gavel history add results.json --store history.sqlite
            """)
    @Argument(help: "A results document.") var results: String
    @OptionGroup var options: StoreOption
    @Option(name: .customLong("keep-days"), help: "Then prune runs that started more than this many days ago.") var keepDays: Int?
    @Flag(
        name: .customLong("in-time-order"),
        help: "Refuse a document that started before the newest recorded run (importing archived nights, oldest first).")
    var inTimeOrder = false

    func validate() throws { if let keepDays, keepDays < 1 { throw ValidationError("--keep-days must be at least 1") } }

    func run() throws {
        let (doc, integrity) = try readResultsOrExit(results)
        guard integrity == .verified else {
            let why = integrity == .changed ? "was edited after Gavel wrote it" : "carries no document_sha256"
            throw CommandFailure.input(.documentChanged, "\(results) \(why); not recorded")
        }
        let store = try openStoreOrExit(options.store, create: true)
        let run = try store.append(file: results, doc: doc, inTimeOrder: inTimeOrder)
        printError("recorded run #\(run.id) in \(options.store)")
        if let keepDays { try prune(store, keepDays) }
    }
}

func prune(_ store: HistoryStore, _ keepDays: Int) throws {
    let n = try store.prune(keepDays: keepDays)
    if n > 0 { printError("pruned \(n) run\(n == 1 ? "" : "s") older than \(keepDays) days from \(store.path)") }
}

struct HistoryVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check the hash chain and every stored run against its document.",
        discussion: """
            Exit 0 when intact, 1 naming each run that no longer matches. The last line gives \
            the chain's head hash: keep it elsewhere (a job log) and pass it back with --head to \
            detect the newest runs being removed or rewritten. Without --deep it hashes but \
            does not parse the stored documents.

            Example:
              gavel history verify --store history.sqlite --head 7d340cd08d813ed3
            """)
    @OptionGroup var options: StoreOption
    @Option(help: "The head hash recorded earlier (or its first 12 or more hex digits): the chain must still contain it.") var head: String?
    @Flag(help: "Also read every stored document and compare its own digest, counts and control verdicts with what was recorded.") var deep = false

    func validate() throws {
        if let head, head.count < 12 || head.count > 64 || !head.allSatisfy(\.isHexDigit) {
            throw ValidationError("--head must be 12 to 64 hex digits of the head hash that verify printed (got '\(head)')")
        }
    }

    func run() throws {
        let store = try openStoreOrExit(options.store)
        var v = try HistoryVerifier(store, deep: deep)
        if let head {
            let runs = try store.runs()
            if !runs.contains(where: { $0.entryHash.hasPrefix(head.lowercased()) }) {
                v.problems.append(.init(run: runs.last?.id ?? 0, message: "the chain no longer contains the head \(head.prefix(16))... recorded earlier"))
            }
        }
        var out = v.problems.map { "CHANGED  \($0)\n" }.joined()
        out +=
            v.ok
            ? "verified: \(v.runs) run\(v.runs == 1 ? "" : "s"), chain intact"
            : "\(v.problems.count) problem\(v.problems.count == 1 ? "" : "s") in \(v.runs) runs"
        out += v.head.map { "; head \($0)\n" } ?? "\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if !v.ok { throw Exit.failing }
    }
}

struct HistoryDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "What changed between two recorded runs (default: the last two).",
        discussion:
            "New failures, fixes and new errors per rule and asset, and per control and asset.\n\nExample:\n  gavel history diff 41 42 --store history.sqlite")
    @Argument(help: "The earlier run's number (default: the one before the last).") var runA: Int64?
    @Argument(help: "The later run's number (default: the last).") var runB: Int64?
    @OptionGroup var options: StoreOption
    @Option(help: "text, json (diff/v1) or markdown.") var format: DiffFormat = .text
    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of stdout.") var output: String?

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func validate() throws { try options.check(output) }

    func run() throws {
        let store = try openStoreOrExit(options.store)
        let runs = try store.runs()
        let ids = runs.map(\.id)
        let b = runB ?? ids.last
        let a = runA ?? ids.dropLast().last
        guard let a, let b else {
            throw CommandFailure.input(.noSuchRun, "\(options.store) holds \(runs.count) run\(runs.count == 1 ? "" : "s"); history diff needs two")
        }
        for id in [a, b] where !ids.contains(id) {
            throw CommandFailure.input(.noSuchRun, "no run #\(id) in \(options.store) (runs #\(ids.first ?? 0) to #\(ids.last ?? 0))")
        }
        let base = try store.document(a)
        let head = try store.document(b)
        let d = PolicyDiff(
            base: base, head: head, baseLabel: "run #\(a) (\(Timestamp.string(base.startedAt)))",
            headLabel: "run #\(b) (\(Timestamp.string(head.startedAt)))")
        let text: String
        switch format {
        case .text: text = DiffTextReporter(style: output == nil ? terminalStyle(1) : .plain, title: "gavel history diff").render(d)
        case .json: text = d.json(gate: .none, failOn: .info)
        case .markdown: text = DiffMarkdownReporter(title: "gavel history diff").render(d)
        }
        try emit(text, to: output)
    }
}

struct HistoryControl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control", abstract: "A control's verdict in every run of a period, and the days without a run.",
        discussion: "Example:\n  gavel history control soc2:CC6.1 --since 2026-06-01 --store history.sqlite")
    @Argument(help: "The control, framework:id (soc2:CC6.1).") var control: String
    @OptionGroup var options: StoreOption
    @Option(help: "First day (YYYY-MM-DD, UTC; default: 30 days before --until).") var since: String?
    @Option(help: "Last day (YYYY-MM-DD, UTC; default: today).") var until: String?
    @Option(help: "text, csv (one row per run and per day without one) or json (timeline/v1).") var format: TimelineFormat = .text
    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of stdout.") var output: String?

    enum TimelineFormat: String, ExpressibleByArgument, CaseIterable { case text, csv, json }

    func validate() throws {
        try options.check(output)
        for (name, v) in [("--since", since), ("--until", until)] {
            if let v, Day(v) == nil { throw ValidationError("\(name) must be a date written YYYY-MM-DD (got '\(v)')") }
        }
    }

    func run() throws {
        let store = try openStoreOrExit(options.store)
        let known = try store.knownControls()
        guard known.contains(control) else {
            throw CommandFailure.usage(.unknownControl, "no run in \(options.store) judged control '\(control)'\(Suggest.hint(for: control, in: known))")
        }
        let last = until.flatMap(Day.init) ?? Day(Date())
        let first = since.flatMap(Day.init) ?? last.adding(days: -30)
        guard first <= last else { throw ValidationError("--since \(first) is after --until \(last)") }
        let t = try store.timeline(control: control, since: first, until: last)
        let r = TimelineReporter()
        switch format {
        case .text: try emit(r.text(t), to: output)
        case .csv: try emit(r.csv(t), to: output)
        case .json: try emit(r.json(t), to: output)
        }
    }
}

struct HistoryPrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove runs that started more than --keep-days days ago, keeping the chain verifiable.",
        discussion: "Example (seven years):\n  gavel history prune --keep-days 2557 --store history.sqlite")
    @OptionGroup var options: StoreOption
    @Option(name: .customLong("keep-days"), help: "Keep runs that started within this many days.") var keepDays: Int

    func validate() throws { if keepDays < 1 { throw ValidationError("--keep-days must be at least 1") } }

    func run() throws {
        let store = try openStoreOrExit(options.store)
        let n = try store.prune(keepDays: keepDays)
        FileHandle.standardOutput.write(Data("pruned \(n) run\(n == 1 ? "" : "s") that started more than \(keepDays) days ago\n".utf8))
    }
}

struct HistoryMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a store (an SQLite file) into another, empty one (a team's PostgreSQL), and verify the chain on arrival.",
        discussion: """
            Every run keeps its number, times, counts, control verdicts, document and chain \
            hashes, and every pruning is kept, so the copy's chain ends in the same head hash as \
            the original's; the command checks that, and exits 3 when the copy does not verify, \
            the original does not, or the target already holds runs.

            Example:
              export PGPASSFILE=~/.pgpass
              gavel history migrate --from h.sqlite --store postgresql://gavel@db/gavel
            """)
    @Option(help: "The store to copy from.") var from: String
    @OptionGroup var options: StoreOption

    func run() throws {
        if from == options.store { throw ValidationError("--from and --store name the same store") }
        let source = try HistoryStore(path: from, create: false)
        let target = try HistoryStore(path: options.store, create: true)
        let (n, head) = try target.copy(from: source)
        print("copied \(n) run\(n == 1 ? "" : "s") from \(from) into \(options.store); the chain verifies, head \(head ?? "none (no runs)")")
    }
}

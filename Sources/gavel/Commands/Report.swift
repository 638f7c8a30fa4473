import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelHistory
import GavelReporters
import GavelResults

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a results document as the auditor's report: HTML, CSV or Markdown.",
        discussion: """
            The report is built from the results document alone (no policies or snapshots are \
            read), organised by framework and control: verdicts, the rules behind each control, \
            per asset the evidence with its snapshot's time and SHA-256, remediation, waivers \
            and attestations, coverage. HTML is one self-contained file (inline CSS, SVG and \
            script; no network requests) with filters and a print layout. CSV has one row per \
            control, asset and rule. With --previous (or --store), the summary lists what \
            changed since that run.

            For a fleet, --layout folder writes the HTML as a folder (-o DIR): index.html with \
            the summary and every control, a page per control and per asset, lists of the \
            assets and of the inputs; long tables continue on further pages of about a megabyte, \
            so each page opens quickly however large the fleet. The folder works offline and \
            can be moved or zipped whole; manifest.json lists every page with its SHA-256. \
            DIR may be new, empty, or a folder report written before holding nothing but its \
            own pages (it is replaced whole); anything else is refused.

            With --asset, the report covers only the matching assets (a site's report out of a \
            fleet's run): their results, and each control judged again over them alone; the \
            header says how many of the run's assets it shows.

            Exit 0 when written; 1 when the document no longer matches its own SHA-256 (the \
            report is still written, and says so at the top); 2 when an --asset pattern matches \
            no asset; 3 when the document cannot be read.

            Example:
              gavel eval --format json -o results.json --fail-on none
              gavel report results.json --format html -o report.html
              gavel report results.json --format csv -o report.csv \\
                  --previous last-night.json
              gavel report results.json --asset 'clinic-b.*' -o clinic-b.html
              gavel report fleet.json --layout folder -o fleet-report/
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, csv, markdown }

    @Argument(help: "A results document written by gavel eval --format json.")
    var results: String

    @Option(help: "html (default), csv or markdown.")
    var format: Format = .html

    enum Layout: String, ExpressibleByArgument, CaseIterable { case file, folder }

    @Option(name: [.short, .customLong("output")], help: "Write the report to this file (atomically) instead of stdout; with --layout folder, the folder.")
    var output: String?

    @Option(help: "HTML as one file (default) or as a folder of pages (for fleets of hundreds of assets and more; needs -o DIR).")
    var layout: Layout = .file

    @Option(help: "A previous run's results document: the summary lists the changes since it.")
    var previous: String?

    @Option(help: "A history store: the summary lists the changes since the run recorded before this one.")
    var store: String?

    @Option(
        name: .customLong("asset"),
        help: ArgumentHelp(
            "Report only the assets this name or pattern matches ('*' matches any run of characters); repeat for more. Controls are judged again over those assets.",
            valueName: "pattern"))
    var assets: [String] = []

    func validate() throws {
        if previous != nil && store != nil { throw ValidationError("give --previous or --store, not both") }
        if layout == .folder {
            guard format == .html else { throw ValidationError("--layout folder is for --format html") }
            guard let output else { throw ValidationError("--layout folder needs -o DIR, the folder to write") }
            try InputPaths(files: [results] + [previous, store].compactMap { $0 }).checkFolder(output, "--output")
            return
        }
        try InputPaths(files: [results] + [previous, store].compactMap { $0 }).check(output, "--output")
    }

    func run() throws {
        // With --asset, only the matching assets' results are built as the document is read.
        let selected = assets.isEmpty ? nil : assets
        let (doc, integrity) = try readResultsOrExit(results, assets: selected)
        for p in assets where doc.assets(matching: [p]).isEmpty {
            throw CommandFailure.usage(
                .unknownAsset, "no asset of \(results) matches --asset '\(p)' (it has \(doc.selection?.of ?? doc.assets.count) assets)")
        }
        var before = try previous.map { try readResultsOrExit($0, assets: selected).doc }
        if let store {
            let history = try openStoreOrExit(store)
            before = try previousRun(in: history, before: doc, bytes: FileBytes.read(results) ?? [])
            if let selected { before = before?.selecting(assets: selected) }
        }
        var model = AuditModel(doc, source: results, previous: before)
        model.integrity = integrity
        if before == nil, let store { model.noPreviousRun = "\(store) holds no run before this one." }
        // HTML and CSV are streamed a control at a time: a fleet's report is hundreds of megabytes.
        switch format {
        case .html where layout == .folder: try writeFolder(model, to: output!)
        case .html:
            if model.doc.assets.count > 1_000 {
                printError(
                    "note: a one-file report of \(model.doc.assets.count) assets is hundreds of megabytes, slow to open; --layout folder -o DIR writes pages that open quickly"
                )
            }
            try emitPieces(to: output) { try HTMLReporter().render(model, to: $0) }
        case .csv: try emitPieces(to: output) { try CSVReporter().render(model, to: $0) }
        case .markdown: try emit(AuditMarkdownReporter().render(model), to: output)
        }
        if integrity == .changed {
            throw CommandFailure(
                Exit.failing, .documentChanged,
                "\(results) was edited after Gavel wrote it: its content no longer matches its document_sha256 (see gavel verify)")
        }
    }
}

extension Report {
    /// Writes the report as a folder, with `manifest.json` listing each page's SHA-256; a
    /// folder is replaced only when it is empty or holds such a manifest.
    func writeFolder(_ model: AuditModel, to dir: String) throws {
        if model.doc.assets.isEmpty { printError("warning: \(results) has no assets; the folder holds the summary only") }
        do {
            try AtomicFolder.write(to: dir, replaceable: ReportManifest.isReport) { file in
                var manifest = ReportManifest(results: model.doc.recordedDigest)
                try HTMLFolderReporter().render(model) { path, html in
                    let bytes = Array(html.utf8)
                    manifest.add(path, bytes)
                    try file(path, bytes)
                }
                try file(ReportManifest.name, Array(manifest.json.utf8))
            }
        } catch let e as AtomicFile.WriteError {
            throw CommandFailure.input(.output, e.description)
        }
    }
}

/// Reads a results document, checking its bytes against its own digest; a `Diagnostic`
/// (exit 3) when it cannot be read or is not one.
func readResultsOrExit(_ path: String, assets: [String]? = nil) throws -> (doc: ResultsDocument, integrity: AuditModel.Integrity) {
    // Read straight into bytes, held once (a fleet's document is hundreds of megabytes).
    let bytes: [UInt8]
    do { bytes = try FileBytes.contents(path) } catch { throw Diagnostic(.unreadable, "cannot read \(path): \(error)") }
    let doc = try ResultsDocument.read(bytes: bytes, file: path, assets: assets)
    guard let recorded = doc.recordedDigest else { return (doc, .unrecorded) }
    return (doc, ResultsVerifier.contentDigest(bytes) == recorded ? .verified : .changed)
}

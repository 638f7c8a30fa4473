import ArgumentParser
import Foundation
import GavelCore
import GavelResults

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the results of a fleet's shards (eval --shard I/N) into the document one run would have written.",
        discussion: """
            The merged document has every shard's entries in asset order, controls rolled up \
            over all the assets, waivers counted over all, and its own document_sha256, so \
            gavel verify, gavel report and gavel history add take it like any other. Refuses \
            results of different policy sets or days, an asset in two of them, and a sharded \
            run with a shard missing or given twice (exit 3). Results of whole runs over \
            different parts of a fleet (say, one per region) merge the same way.

            Example:
              gavel eval --shard 1/2 --format json -o shard-1.json --fail-on none
              gavel eval --shard 2/2 --format json -o shard-2.json --fail-on none
              gavel merge shard-1.json shard-2.json -o results.json
            """
    )

    @Argument(help: "Results documents (gavel eval --format json), one per shard.")
    var results: [String]

    @OptionGroup var out: ReportOutputOption

    @Option(
        name: .customLong("fail-on"),
        help: "Exit 1 when a rule at or above this severity fails or errs in the merged results (default none: merging never gates).")
    var failOn: FailOn = .none

    @OptionGroup var workers: JobsOption

    func validate() throws {
        try failOn.check()
        if results.isEmpty { throw ValidationError("give the results documents to merge") }
        try InputPaths(files: results).check(out.output, "--output")
    }

    func run() throws {
        var docs: [ResultsDocument] = []
        for r in results {
            let (doc, integrity) = try readResultsOrExit(r)
            if integrity == .changed {
                throw CommandFailure.input(.documentChanged, "\(r) was edited after Gavel wrote it: its content no longer matches its document_sha256")
            }
            docs.append(doc)
        }
        let merged = try ResultsDocument.merge(docs, sources: results)
        try emitStreaming(to: out.output) { write in try merged.write(jobs: workers.jobs, to: write) }
        printError("gavel merge: \(results.count) results, \(merged.assets.count) assets, \(merged.entries.count) evaluations")
        if let threshold = failOn.threshold {
            let n = merged.failing(atOrAbove: threshold).count
            if n > 0 {
                throw CommandFailure(Exit.failing, text: "gavel merge: \(n) evaluation\(n == 1 ? "" : "s") fail or err at or above \(threshold.rawValue)")
            }
        }
    }
}

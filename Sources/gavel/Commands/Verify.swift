import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelResults

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a results document is unedited and that the policy and snapshot files it read still match.",
        discussion: """
            Recomputes the document's own digest (document_sha256) and the SHA-256 of every \
            policy file and snapshot file it records. Exit 0 when everything matches, 1 when \
            something changed or is missing, 3 when the file is not a results document.

            Example:
              gavel eval --format json -o results.json --fail-on none
              gavel verify results.json
            """
    )

    @Argument(help: "A results document written by gavel eval --format json.")
    var results: String

    func run() throws {
        let v = try ResultsVerifier(path: results)
        var out = ""
        for c in v.checks {
            let tag = c.status == .ok ? "ok        " : c.status == .unverifiable ? "unchecked " : c.status == .changed ? "CHANGED   " : "MISSING   "
            out += "\(tag)\(c.what) \(c.path)" + (c.detail.map { ": \($0)" } ?? "") + "\n"
        }
        let bad = v.checks.filter { $0.status == .changed || $0.status == .missing }.count
        out +=
            bad == 0
            ? "verified: the document and all \(v.checks.count - 1) files it names match\n"
            : "\(bad) of \(v.checks.count) checks no longer match\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if bad > 0 { throw Exit.failing }
    }
}

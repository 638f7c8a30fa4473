import ArgumentParser
import Foundation
import GavelCore
import GavelEngine
import GavelFix

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Write the failing rules' machine fixes as patches, each proven by collecting and evaluating again.",
        discussion: """
            For each asset, the failing rules that declare a fix (docs/LANGUAGE.md#machine-fixes) \
            become one unified diff against the files the evidence names, read under --root. A \
            patch is written only when, applied to a copy of the files, the asset collected and \
            evaluated again passes the fixed rules, no other verdict gets worse, and the owning \
            program accepts the files (php -n -c, php -l, sshd -t, nginx -t). The live files are never touched: apply a patch \
            with `cd ROOT && patch -p0 < DIR/ASSET.patch`, or in your configuration management. \
            Exit 0 when every fix was written, 1 when some were withheld or failing rules have none, \
            3 when a snapshot could not be read (the other assets are still fixed).

            Example:
              gavel fix --snapshots Snapshots --root /mnt/web-1 -o fixes
            """)

    @Option(help: "The policy folder.") var policies = "Policies"
    @Option(help: "Snapshots in the folder layout DIR/<asset>/<kind>.json.") var snapshots = "Snapshots"
    @Option(name: .customLong("rule"), help: "Only this rule (repeatable).") var rules: [String] = []
    @Option(name: .customLong("asset"), help: "Only assets matching this pattern ('*' any characters; repeatable).") var assets: [String] = []
    @Option(help: "Where the machine's files are: / on the machine itself, or a mounted image or copy.") var root = "/"
    @Option(name: [.short, .customLong("output")], help: "The folder to write the patches and the summary into.") var output: String

    func validate() throws {
        var inputs = InputPaths()
        inputs.add(policies, reading: InputPaths.policyEndings)
        inputs.add(snapshots, reading: InputPaths.snapshotEndings)
        if root != "/" { inputs.add(root, reading: [""]) }
        try inputs.checkFolder(output, "--output")
    }

    func run() throws {
        let program = try compileOrExit(policies)
        for r in rules where !program.rules.contains(where: { $0.id == r }) {
            throw CommandFailure.usage(.unknownRule, "no rule \(r) in \(policies)\(Suggest.hint(for: r, in: program.rules.map(\.id)))")
        }
        var run = FixRun(program: program, snapshots: snapshots)
        run.root = root
        run.rules = rules
        run.assetPatterns = assets
        let outcomes = try run.run()
        for e in run.inputErrors { printError(e.description) }
        var summary = ""
        var files: [(String, [UInt8])] = []
        for o in outcomes {
            if !o.patch.isEmpty { files.append(("\(o.asset).patch", Array(o.patch.utf8))) }
            summary += "\(o.asset)\n"
            if !o.patch.isEmpty { summary += "  patch     \(o.asset).patch: \(o.files.joined(separator: ", "))\n" }
            for r in o.fixed { summary += "  fixed     \(r)\n" }
            for w in o.withheld { summary += "  withheld  \(w.rule)  \(w.reason)\n" }
            for n in o.notFixable { summary += "  no fix    \(n.rule)  \(n.reason)\n" }
            for n in o.notes { summary += "  note      \(n)\n" }
        }
        let fixed = outcomes.reduce(0) { $0 + $1.fixed.count }
        let withheld = outcomes.reduce(0) { $0 + $1.withheld.count }
        let none = outcomes.reduce(0) { $0 + $1.notFixable.count }
        let line =
            "gavel fix: \(fixed) fixed in \(files.count) patch\(files.count == 1 ? "" : "es"), \(withheld) withheld, \(none) failing without a machine fix"
        summary += line + "\n"
        files.append(("summary.txt", Array(summary.utf8)))
        try AtomicFolder.write(to: output, replaceable: { Fix.isFixFolder($0) }) { write in for f in files { try write(f.0, f.1) } }
        FileHandle.standardOutput.write(Data(summary.utf8))
        // An unreadable snapshot is an asset nobody looked at: an input error, as in eval.
        if !run.inputErrors.isEmpty { throw Exit.input }
        if withheld > 0 || none > 0 { throw Exit.failing }
    }

    /// A folder `gavel fix` wrote: a summary.txt and patches, nothing else.
    static func isFixFolder(_ folder: String) -> Bool {
        let files = AtomicFolder.files(under: folder)
        return files.contains("summary.txt") && files.allSatisfy { $0 == "summary.txt" || ($0.hasSuffix(".patch") && !$0.contains("/")) }
    }
}
